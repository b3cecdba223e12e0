package seng.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import com.google.protobuf.InvalidProtocolBufferException;

import seng.ip.Ipv4Address;
import seng.pool.EnclaveNetwork;
import seng.tunnel.proto.IpAssignACK;

class SetupMessagesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void assignmentMatchesProtocolVector() {
        byte[] message = SetupMessages.assignment(Ipv4Address.parse("192.168.28.2"), EnclaveNetwork.DEFAULT_SUBNET);

        assertThat(HEX.formatHex(message)).isEqualTo("08c0d1f21010ffffff0718c0d1f208");
    }

    @Test
    void acknowledgementMatchesProtocolVector() throws Exception {
        byte[] ack = HEX.parseHex("08c0d1f210");

        assertThat(SetupMessages.acknowledgedAddress(ack, ack.length)).isEqualTo(Ipv4Address.parse("192.168.28.2"));
        assertThat(IpAssignACK.newBuilder().setIp(0x021CA8C0).build().toByteArray()).isEqualTo(ack);
    }

    @Test
    void acknowledgementWithoutAddressIsRejected() {
        assertThatThrownBy(() -> SetupMessages.acknowledgedAddress(new byte[0], 0))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void acknowledgementReadsOnlyGivenLength() throws Exception {
        byte[] buffer = HEX.parseHex("08c0d1f210ffffffff");

        assertThat(SetupMessages.acknowledgedAddress(buffer, 5)).isEqualTo(Ipv4Address.parse("192.168.28.2"));
    }
}
