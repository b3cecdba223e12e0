package seng.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import seng.ip.IcmpEcho;
import seng.ip.InternetChecksum;
import seng.ip.Ipv4Address;
import seng.ip.Ipv4Packet;

class EchoPacketTest {
    private static final int ENCLAVE = Ipv4Address.parse("192.168.28.7");
    private static final int GATEWAY = Ipv4Address.parse("192.168.28.1");

    @Test
    void stampedRequestIsValidEcho() {
        EchoPacket packet = new EchoPacket(ENCLAVE, GATEWAY, 0x1234, 56);

        byte[] request = packet.stamp(123_456_789L);

        assertThat(request).hasSize(84);
        assertThat(packet.length()).isEqualTo(84);
        assertThat(IcmpEcho.isEcho(request, request.length, IcmpEcho.TYPE_ECHO_REQUEST)).isTrue();
        assertThat(Ipv4Packet.hasValidHeaderChecksum(request)).isTrue();
        assertThat(InternetChecksum.compute(request, 20, request.length - 20)).isZero();
        assertThat(IcmpEcho.identifier(request)).isEqualTo(0x1234);
        assertThat(IcmpEcho.sequence(request)).isEqualTo(1);
        assertThat(Ipv4Packet.source(request)).isEqualTo(ENCLAVE);
        assertThat(Ipv4Packet.destination(request)).isEqualTo(GATEWAY);
    }

    @Test
    void restampingReusesArrayWithNextSequence() {
        EchoPacket packet = new EchoPacket(ENCLAVE, GATEWAY, 1, 8);

        byte[] first = packet.stamp(1);
        byte[] second = packet.stamp(-5);

        assertThat(second).isSameAs(first);
        assertThat(packet.sequence()).isEqualTo(2);
        assertThat(IcmpEcho.sequence(second)).isEqualTo(2);
        assertThat(InternetChecksum.compute(second, 20, second.length - 20)).isZero();
    }

    @Test
    void sequenceWrapsAfter65535() {
        EchoPacket packet = new EchoPacket(ENCLAVE, GATEWAY, 1, 8);
        for (int index = 0; index < 65_536; index++) {
            packet.stamp(index);
        }

        assertThat(packet.sequence()).isZero();
    }

    @Test
    void replyCarriesSendTimeAndSequence() {
        EchoPacket packet = new EchoPacket(ENCLAVE, GATEWAY, 77, 32);
        byte[] reply = Arrays.copyOf(packet.stamp(0x0102_0304_0506_0708L), 200);
        IcmpEcho.turnIntoReply(reply, packet.length());

        assertThat(packet.isReply(reply, packet.length())).isTrue();
        assertThat(EchoPacket.sendNanos(reply)).isEqualTo(0x0102_0304_0506_0708L);
        assertThat(EchoPacket.sequence(reply)).isEqualTo(1);
    }

    @Test
    void replyOfOtherIdentifierOrRequestIsNotOurs() {
        EchoPacket ours = new EchoPacket(ENCLAVE, GATEWAY, 77, 32);
        EchoPacket other = new EchoPacket(ENCLAVE, GATEWAY, 78, 32);
        byte[] otherReply = other.stamp(5).clone();
        IcmpEcho.turnIntoReply(otherReply, otherReply.length);
        byte[] request = ours.stamp(5).clone();

        assertThat(ours.isReply(otherReply, otherReply.length)).isFalse();
        assertThat(ours.isReply(request, request.length)).isFalse();
    }

    @Test
    void payloadShorterThanTimestampIsRejected() {
        assertThatThrownBy(() -> new EchoPacket(ENCLAVE, GATEWAY, 1, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8-byte send time");
    }
}
