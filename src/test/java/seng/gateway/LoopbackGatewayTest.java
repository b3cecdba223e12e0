package seng.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import seng.gateway.LoopbackGateway.DropReason;
import seng.ip.IcmpEcho;
import seng.ip.InternetChecksum;
import seng.ip.Ipv4Address;
import seng.ip.Ipv4Packet;

class LoopbackGatewayTest {
    private static final int GATEWAY = Ipv4Address.parse("192.168.28.1");
    private static final int SECOND_GATEWAY = Ipv4Address.parse("172.16.28.1");
    private static final int ENCLAVE = Ipv4Address.parse("192.168.28.2");
    private static final int OTHER_ENCLAVE = Ipv4Address.parse("192.168.28.3");
    private static final int OUTSIDE = Ipv4Address.parse("10.1.2.3");
    private static final IntPredicate IN_ENCLAVE_SUBNETWORKS = address ->
            (address & Ipv4Address.netmask(24)) == Ipv4Address.parse("192.168.28.0")
                    || (address & Ipv4Address.netmask(26)) == Ipv4Address.parse("172.16.28.0");
    private static final byte[] PAYLOAD = "loopback gateway test payload".getBytes();
    private static final long WAIT_SECONDS = 5;

    private LoopbackGateway gateway = new LoopbackGateway(List.of(GATEWAY, SECOND_GATEWAY), IN_ENCLAVE_SUBNETWORKS);
    private final byte[] buffer = new byte[2048];

    @AfterEach
    void closeGateway() {
        gateway.close();
    }

    @ParameterizedTest
    @CsvSource({"192.168.28.2, 192.168.28.1", "172.16.28.5, 172.16.28.1"})
    void echoRequestToGatewayIsAnswered(String sourceText, String gatewayText) throws Exception {
        int source = Ipv4Address.parse(sourceText);
        int gatewayAddress = Ipv4Address.parse(gatewayText);
        byte[] request = IcmpEcho.request(source, gatewayAddress, 0x1234, 7, PAYLOAD);
        byte[] requestCopy = request.clone();

        gateway.write(request, request.length);
        int length = gateway.read(buffer);

        assertThat(request).as("the caller's packet stays unchanged").isEqualTo(requestCopy);
        assertThat(length).isEqualTo(request.length);
        assertThat(IcmpEcho.isEcho(buffer, length, IcmpEcho.TYPE_ECHO_REPLY)).isTrue();
        assertThat(Ipv4Address.format(Ipv4Packet.source(buffer))).isEqualTo(gatewayText);
        assertThat(Ipv4Address.format(Ipv4Packet.destination(buffer))).isEqualTo(sourceText);
        assertThat(IcmpEcho.identifier(buffer)).isEqualTo(0x1234);
        assertThat(IcmpEcho.sequence(buffer)).isEqualTo(7);
        assertThat(Arrays.copyOfRange(buffer, length - PAYLOAD.length, length)).isEqualTo(PAYLOAD);
        assertThat(Ipv4Packet.hasValidHeaderChecksum(buffer)).isTrue();
        int icmpOffset = Ipv4Packet.headerLength(buffer);
        assertThat(InternetChecksum.compute(buffer, icmpOffset, length - icmpOffset)).as("ICMP checksum").isZero();
        assertThat(gateway.counters().echoRequestsAnswered()).isEqualTo(1);
        assertThat(gateway.counters().packetsRead()).isEqualTo(1);
    }

    @Test
    void enclaveToEnclavePacketPassesThrough() throws Exception {
        byte[] packet = IcmpEcho.request(ENCLAVE, OTHER_ENCLAVE, 1, 1, PAYLOAD);

        gateway.write(packet, packet.length);
        int length = gateway.read(buffer);

        assertThat(Arrays.copyOf(buffer, length)).isEqualTo(packet);
        assertThat(gateway.counters().packetsRouted()).isEqualTo(1);
        assertThat(gateway.counters().echoRequestsAnswered()).isZero();
    }

    @Test
    void unknownDestinationIsDroppedAndCounted() throws Exception {
        byte[] packet = IcmpEcho.request(ENCLAVE, OUTSIDE, 1, 1, PAYLOAD);

        gateway.write(packet, packet.length);

        LoopbackGateway.Counters counters = gateway.counters();
        assertThat(counters.dropped(DropReason.NO_ROUTE)).isEqualTo(1);
        assertThat(counters.queued()).isZero();
        assertThat(counters.packetsWritten()).isEqualTo(1);
    }

    @Test
    void nonEchoPacketToGatewayIsDropped() throws Exception {
        byte[] udp = IcmpEcho.request(ENCLAVE, GATEWAY, 1, 1, PAYLOAD);
        udp[9] = 17;
        Ipv4Packet.updateHeaderChecksum(udp);
        byte[] reply = IcmpEcho.request(ENCLAVE, GATEWAY, 1, 1, PAYLOAD);
        reply[Ipv4Packet.MIN_HEADER_LENGTH] = IcmpEcho.TYPE_ECHO_REPLY;
        byte[] badIcmpChecksum = IcmpEcho.request(ENCLAVE, GATEWAY, 1, 1, PAYLOAD);
        badIcmpChecksum[badIcmpChecksum.length - 1] ^= 0x55;
        byte[] fragment = IcmpEcho.request(ENCLAVE, GATEWAY, 1, 1, PAYLOAD);
        fragment[6] = 0x20; // more fragments
        Ipv4Packet.updateHeaderChecksum(fragment);
        byte[] fromOutside = IcmpEcho.request(OUTSIDE, GATEWAY, 1, 1, PAYLOAD);

        for (byte[] packet : List.of(udp, reply, badIcmpChecksum, fragment, fromOutside)) {
            gateway.write(packet, packet.length);
        }

        assertThat(gateway.counters().dropped(DropReason.UNSUPPORTED_AT_GATEWAY)).isEqualTo(5);
        assertThat(gateway.counters().queued()).isZero();
    }

    @Test
    void malformedPacketIsDropped() throws Exception {
        byte[] badHeaderChecksum = IcmpEcho.request(ENCLAVE, OTHER_ENCLAVE, 1, 1, PAYLOAD);
        badHeaderChecksum[8] = 1; // TTL changed without updating the checksum
        byte[] truncated = IcmpEcho.request(ENCLAVE, OTHER_ENCLAVE, 1, 1, PAYLOAD);
        byte[] ipv6 = IcmpEcho.request(ENCLAVE, OTHER_ENCLAVE, 1, 1, PAYLOAD);
        ipv6[0] = 0x60;

        gateway.write(badHeaderChecksum, badHeaderChecksum.length);
        gateway.write(truncated, truncated.length - 1);
        gateway.write(ipv6, ipv6.length);
        gateway.write(new byte[0], 0);

        assertThat(gateway.counters().dropped(DropReason.MALFORMED)).isEqualTo(4);
        assertThat(gateway.counters().queued()).isZero();
    }

    @Test
    void packetLargerThanMtuIsDropped() throws Exception {
        gateway.close();
        gateway = newGateway(100, LoopbackGateway.DEFAULT_QUEUE_CAPACITY);
        byte[] packet = IcmpEcho.request(ENCLAVE, OTHER_ENCLAVE, 1, 1, new byte[101]);

        gateway.write(packet, packet.length);

        assertThat(gateway.mtu()).isEqualTo(100);
        assertThat(gateway.counters().dropped(DropReason.TOO_LARGE)).isEqualTo(1);
    }

    @Test
    void fullQueueDropsAndCounts() throws Exception {
        gateway.close();
        gateway = newGateway(LoopbackGateway.DEFAULT_MTU, 2);

        for (int sequence = 1; sequence <= 3; sequence++) {
            byte[] packet = IcmpEcho.request(ENCLAVE, OTHER_ENCLAVE, 1, sequence, PAYLOAD);
            gateway.write(packet, packet.length);
        }

        assertThat(gateway.counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(1);
        assertThat(gateway.counters().queued()).isEqualTo(2);
        gateway.read(buffer);
        assertThat(IcmpEcho.sequence(buffer)).isEqualTo(1);
        gateway.read(buffer);
        assertThat(IcmpEcho.sequence(buffer)).isEqualTo(2);
        assertThat(gateway.counters().queued()).isZero();
    }

    @Test
    void packetLongerThanReadBufferIsSkipped() throws Exception {
        byte[] large = IcmpEcho.request(ENCLAVE, OTHER_ENCLAVE, 1, 1, new byte[200]);
        byte[] small = IcmpEcho.request(ENCLAVE, OTHER_ENCLAVE, 1, 2, new byte[8]);
        gateway.write(large, large.length);
        gateway.write(small, small.length);

        byte[] smallBuffer = new byte[100];
        int length = gateway.read(smallBuffer);

        assertThat(length).isEqualTo(small.length);
        assertThat(IcmpEcho.sequence(smallBuffer)).isEqualTo(2);
        assertThat(gateway.counters().dropped(DropReason.READ_BUFFER_TOO_SMALL)).isEqualTo(1);
    }

    @Test
    void closeWakesBlockedReader() throws Exception {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().name("loopback-test-reader").start(() -> {
            try {
                read.complete(gateway.read(buffer));
            } catch (Throwable e) {
                read.completeExceptionally(e);
            }
        });
        awaitWaiting(reader);

        gateway.close();

        assertThatThrownBy(() -> read.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ClosedChannelException.class);
    }

    @Test
    void closeTwiceIsHarmless() {
        gateway.close();
        gateway.close();

        assertThatThrownBy(() -> gateway.read(buffer)).isInstanceOf(ClosedChannelException.class);
        byte[] packet = IcmpEcho.request(ENCLAVE, GATEWAY, 1, 1, PAYLOAD);
        assertThatThrownBy(() -> gateway.write(packet, packet.length)).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void closeDiscardsQueuedPackets() throws Exception {
        byte[] packet = IcmpEcho.request(ENCLAVE, OTHER_ENCLAVE, 1, 1, PAYLOAD);
        gateway.write(packet, packet.length);

        gateway.close();

        assertThat(gateway.counters().queued()).isZero();
        assertThatThrownBy(() -> gateway.read(buffer)).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void constructorRejectsInvalidSettings() {
        assertThatThrownBy(() -> newGateway(67, 1)).hasMessageContaining("invalid MTU 67");
        assertThatThrownBy(() -> newGateway(65536, 1)).hasMessageContaining("invalid MTU 65536");
        assertThatThrownBy(() -> newGateway(1500, 0)).hasMessageContaining("invalid queue capacity 0");
    }

    @Test
    void nameAndDefaultMtu() {
        assertThat(gateway.name()).isEqualTo("loopback");
        assertThat(gateway.mtu()).isEqualTo(1432);
    }

    private static LoopbackGateway newGateway(int mtu, int queueCapacity) {
        IntPredicate isGatewayAddress = address -> address == GATEWAY || address == SECOND_GATEWAY;
        return new LoopbackGateway(isGatewayAddress, IN_ENCLAVE_SUBNETWORKS, mtu, queueCapacity);
    }

    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(thread.getState()).as("reader state").isEqualTo(Thread.State.WAITING);
    }
}
