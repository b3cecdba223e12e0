package seng.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import seng.attest.AttestationException.Reason;

class SgxQuoteTest {

    /** Returns a quote whose every field has a distinct value, written at the offsets of sgx_quote_t. */
    private static byte[] sampleQuote() {
        ByteBuffer quote = ByteBuffer.allocate(432).order(ByteOrder.LITTLE_ENDIAN);
        quote.putShort(0, (short) 2);
        quote.putShort(2, (short) 1);
        quote.putInt(4, 0xCAFEBABE);
        quote.putShort(8, (short) 11);
        quote.putShort(10, (short) 10);
        quote.putInt(12, 7);
        fill(quote, 16, 32, 0x10);
        fill(quote, 48, 16, 0x20);
        quote.putInt(48 + 16, 0x0000_00F0);
        fill(quote, 48 + 32, 16, 0x30);
        quote.putLong(48 + 48, 0x07);
        quote.putLong(48 + 56, 0xE7);
        fill(quote, 48 + 64, 32, 0x40);
        fill(quote, 48 + 128, 32, 0x50);
        fill(quote, 48 + 192, 64, 0x60);
        quote.putShort(48 + 256, (short) 0xFFFE);
        quote.putShort(48 + 258, (short) 3);
        quote.putShort(48 + 260, (short) 4);
        fill(quote, 48 + 304, 16, 0x70);
        fill(quote, 48 + 320, 64, 0x80);
        return quote.array();
    }

    private static void fill(ByteBuffer buffer, int offset, int length, int value) {
        for (int i = 0; i < length; i++) {
            buffer.put(offset + i, (byte) value);
        }
    }

    private static byte[] repeat(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Test
    void fieldsAreReadAtTheirOffsets() throws Exception {
        SgxQuote quote = SgxQuote.parse(sampleQuote());

        assertThat(quote.version()).isEqualTo(2);
        assertThat(quote.signType()).isEqualTo(1);
        assertThat(quote.epidGroupId()).isEqualTo(0xCAFEBABE);
        assertThat(quote.qeSvn()).isEqualTo(11);
        assertThat(quote.pceSvn()).isEqualTo(10);
        assertThat(quote.xeid()).isEqualTo(7);
        assertThat(quote.basename()).isEqualTo(repeat(32, 0x10));
        assertThat(quote.cpuSvn()).isEqualTo(repeat(16, 0x20));
        assertThat(quote.miscSelect()).isEqualTo(0xF0);
        assertThat(quote.isvExtProdId()).isEqualTo(repeat(16, 0x30));
        assertThat(quote.attributeFlags()).isEqualTo(0x07);
        assertThat(quote.attributeXfrm()).isEqualTo(0xE7);
        assertThat(quote.mrEnclave()).isEqualTo(repeat(32, 0x40));
        assertThat(quote.mrSigner()).isEqualTo(repeat(32, 0x50));
        assertThat(quote.configId()).isEqualTo(repeat(64, 0x60));
        assertThat(quote.isvProdId()).isEqualTo(0xFFFE);
        assertThat(quote.isvSvn()).isEqualTo(3);
        assertThat(quote.configSvn()).isEqualTo(4);
        assertThat(quote.isvFamilyId()).isEqualTo(repeat(16, 0x70));
        assertThat(quote.reportData()).isEqualTo(repeat(64, 0x80));
        assertThat(quote.mrEnclaveHex()).isEqualTo("40".repeat(32));
        assertThat(quote.mrSignerHex()).isEqualTo("50".repeat(32));
    }

    @Test
    void debugIsFlagBitOne() throws Exception {
        byte[] bytes = sampleQuote();
        assertThat(SgxQuote.parse(bytes).isDebug()).isTrue();

        bytes[48 + 48] = 0x05;
        assertThat(SgxQuote.parse(bytes).isDebug()).isFalse();
    }

    @Test
    void wrongLengthIsRejected() {
        AttestationException e = catchThrowableOfType(AttestationException.class, () -> SgxQuote.parse(new byte[436]));

        assertThat(e.reason()).isEqualTo(Reason.QUOTE_INVALID);
        assertThat(e.getMessage()).contains("436");
    }

    @Test
    void constructorRejectsWrongLength() {
        assertThatThrownBy(() -> new SgxQuote(new byte[10])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bytesAreCopied() throws Exception {
        byte[] bytes = sampleQuote();
        SgxQuote quote = SgxQuote.parse(bytes);

        bytes[48 + 64] = 0;
        quote.bytes()[48 + 64] = 0;
        quote.mrEnclave()[0] = 0;

        assertThat(quote.mrEnclaveHex()).isEqualTo("40".repeat(32));
    }

    @Test
    void equalityIsByteEquality() throws Exception {
        SgxQuote first = SgxQuote.parse(sampleQuote());
        SgxQuote second = SgxQuote.parse(sampleQuote());
        byte[] changed = sampleQuote();
        changed[431] ^= 1;

        assertThat(second).isEqualTo(first).hasSameHashCodeAs(first);
        assertThat(SgxQuote.parse(changed)).isNotEqualTo(first);
    }

    @Test
    void toStringShowsIdentityNotRawBytes() throws Exception {
        String text = SgxQuote.parse(sampleQuote()).toString();

        assertThat(text).contains("40".repeat(32)).contains("isvSvn=3").doesNotContain(HexFormat.of().formatHex(repeat(64, 0x80)));
    }
}
