package seng.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seng.ip.IcmpEcho;
import seng.ip.InternetChecksum;
import seng.ip.Ipv4Address;
import seng.ip.Ipv4Packet;

/**
 * Runs {@link TunInterface} against the real kernel, inside a network namespace created for each
 * test (see {@link NetworkNamespace}). Tests that need one are skipped, with the reason printed,
 * where namespaces or TUN are unavailable or the user is not root.
 */
class TunInterfaceTest {
    private static final int GATEWAY = Ipv4Address.parse("192.168.28.1");
    private static final int SECOND_GATEWAY = Ipv4Address.parse("172.16.28.1");
    private static final int ENCLAVE = Ipv4Address.parse("192.168.28.2");
    private static final byte[] PAYLOAD = "TUN interface test payload".getBytes();
    private static final int MTU = 1432;
    private static final long WAIT_SECONDS = 5;

    private NetworkNamespace namespace;

    @AfterEach
    void deleteNamespace() throws IOException {
        if (namespace != null) {
            namespace.close();
        }
    }

    @Test
    void kernelAnswersEchoRequest() throws Exception {
        NetworkNamespace namespace = createNamespace();
        try (TunInterface tun = namespace.call(() -> openConfigured("tunT"))) {
            byte[] request = IcmpEcho.request(ENCLAVE, GATEWAY, 0x2a2a, 3, PAYLOAD);
            tun.write(request, request.length);
            byte[] buffer = new byte[2048];
            int length = readEchoReply(tun, buffer);

            assertThat(length).isEqualTo(request.length);
            assertThat(Ipv4Packet.source(buffer)).isEqualTo(GATEWAY);
            assertThat(Ipv4Packet.destination(buffer)).isEqualTo(ENCLAVE);
            assertThat(IcmpEcho.identifier(buffer)).isEqualTo(0x2a2a);
            assertThat(IcmpEcho.sequence(buffer)).isEqualTo(3);
            assertThat(Arrays.copyOfRange(buffer, length - PAYLOAD.length, length)).isEqualTo(PAYLOAD);
            assertThat(Ipv4Packet.hasValidHeaderChecksum(buffer)).isTrue();
            int icmpOffset = Ipv4Packet.headerLength(buffer);
            assertThat(InternetChecksum.compute(buffer, icmpOffset, length - icmpOffset)).as("ICMP checksum").isZero();
            assertThat(tun.counters().packetsWritten()).isEqualTo(1);
            assertThat(tun.counters().bytesWritten()).isEqualTo(request.length);
            assertThat(tun.counters().packetsRead()).isEqualTo(1);
        }
    }

    @Test
    void configurationReachesKernel() throws Exception {
        NetworkNamespace namespace = createNamespace();
        try (TunInterface tun = namespace.call(() -> openConfigured("tunT"))) {
            namespace.call(() -> {
                tun.addAddress(SECOND_GATEWAY, 26);
                return null;
            });

            assertThat(tun.name()).isEqualTo("tunT");
            assertThat(tun.isPersistent()).isFalse();
            assertThat(tun.mtu()).isEqualTo(MTU);
            String link = namespace.ip("link", "show", "dev", "tunT");
            assertThat(link).contains("mtu " + MTU).containsPattern("<[^>]*\\bUP\\b[^>]*>");
            String addresses = namespace.ip("-4", "-o", "address", "show", "dev", "tunT");
            assertThat(addresses).contains("inet 192.168.28.1/24").contains("inet 172.16.28.1/26");
            assertThat(namespace.ip("-4", "route", "show", "dev", "tunT")).contains("192.168.28.0/24");
        }
    }

    @Test
    void ipv6PacketsAreSkipped() throws Exception {
        NetworkNamespace namespace = createNamespace();
        try (TunInterface tun = namespace.call(() -> openConfigured("tunT"))) {
            String ipv6Addresses = namespace.ip("-6", "address", "show", "dev", "tunT");
            Assumptions.assumeTrue(ipv6Addresses.contains("inet6 fe80"),
                    "IPv6 is disabled here, so the kernel sends no IPv6 packets to skip");
            // Java cannot resolve "%tunT" here: it looks interfaces up in the JVM's main namespace.
            int index = Integer.parseInt(namespace.ip("-o", "link", "show", "dev", "tunT").split(":")[0].strip());
            namespace.call(() -> {
                sendIpv6Datagram(index);
                return null;
            });

            // The IPv6 datagram is queued before the echo reply, so read must skip it first.
            byte[] request = IcmpEcho.request(ENCLAVE, GATEWAY, 1, 1, PAYLOAD);
            tun.write(request, request.length);
            readEchoReply(tun, new byte[2048]);

            assertThat(tun.counters().nonIpv4Skipped()).isPositive();
        }
    }

    @Test
    void packetLongerThanReadBufferIsSkipped() throws Exception {
        NetworkNamespace namespace = createNamespace();
        try (TunInterface tun = namespace.call(() -> openConfigured("tunT"))) {
            byte[] large = IcmpEcho.request(ENCLAVE, GATEWAY, 1, 1, new byte[600]);
            byte[] small = IcmpEcho.request(ENCLAVE, GATEWAY, 1, 2, new byte[8]);
            tun.write(large, large.length);
            tun.write(small, small.length);

            byte[] buffer = new byte[200];
            int length = readEchoReply(tun, buffer);

            assertThat(length).isEqualTo(small.length);
            assertThat(IcmpEcho.sequence(buffer)).isEqualTo(2);
            assertThat(tun.counters().oversizedSkipped()).isEqualTo(1);
        }
    }

    @Test
    void concurrentWritesAreAllAnswered() throws Exception {
        int writers = 4;
        int packetsPerWriter = 50;
        NetworkNamespace namespace = createNamespace();
        try (TunInterface tun = namespace.call(() -> openConfigured("tunT"))) {
            CompletableFuture<Set<Integer>> replies = startReader(tun, writers * packetsPerWriter);
            Thread[] threads = new Thread[writers];
            for (int writer = 0; writer < writers; writer++) {
                int identifier = writer;
                threads[writer] = Thread.ofPlatform().name("tun-test-writer-" + writer).start(() -> {
                    for (int sequence = 0; sequence < packetsPerWriter; sequence++) {
                        byte[] request = IcmpEcho.request(ENCLAVE, GATEWAY, identifier, sequence, PAYLOAD);
                        try {
                            tun.write(request, request.length);
                        } catch (IOException e) {
                            throw new AssertionError("write failed", e);
                        }
                    }
                });
            }
            for (Thread thread : threads) {
                assertThat(thread.join(Duration.ofSeconds(WAIT_SECONDS))).as("writer finished").isTrue();
            }

            Set<Integer> received = awaitOrClose(replies, tun);
            assertThat(received).hasSize(writers * packetsPerWriter);
            assertThat(tun.counters().packetsWritten()).isEqualTo(writers * packetsPerWriter);
            assertThat(tun.counters().writesDropped()).isZero();
        }
    }

    @Test
    void writeWhileDownIsDroppedAndCounted() throws Exception {
        NetworkNamespace namespace = createNamespace();
        try (TunInterface tun = namespace.call(() -> TunInterface.open("tunT"))) {
            byte[] request = IcmpEcho.request(ENCLAVE, GATEWAY, 1, 1, PAYLOAD);

            tun.write(request, request.length);

            assertThat(tun.counters().writesRejected()).isEqualTo(1);
            assertThat(tun.counters().packetsWritten()).isZero();
        }
    }

    @Test
    void closeWakesBlockedReader() throws Exception {
        NetworkNamespace namespace = createNamespace();
        TunInterface tun = namespace.call(() -> TunInterface.open("tunT"));
        CompletableFuture<Set<Integer>> read = startReader(tun, 1);
        // The interface is down, so nothing arrives: give the reader time to block in poll(2).
        Thread.sleep(200);

        long start = System.nanoTime();
        tun.close();
        Duration closeDuration = Duration.ofNanos(System.nanoTime() - start);

        assertThatThrownBy(() -> read.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ClosedChannelException.class);
        assertThat(closeDuration).as("close waits for the reader to leave").isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void closeTwiceIsHarmless() throws Exception {
        NetworkNamespace namespace = createNamespace();
        TunInterface tun = namespace.call(() -> TunInterface.open("tunT"));
        int mtu = tun.mtu();

        tun.close();
        tun.close();

        byte[] request = IcmpEcho.request(ENCLAVE, GATEWAY, 1, 1, PAYLOAD);
        assertThatThrownBy(() -> tun.read(new byte[2048])).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> tun.write(request, request.length)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> tun.setMtu(MTU)).isInstanceOf(ClosedChannelException.class);
        assertThat(tun.mtu()).as("the last MTU seen").isEqualTo(mtu);
    }

    @Test
    void createdInterfaceIsRemovedOnClose() throws Exception {
        NetworkNamespace namespace = createNamespace();
        TunInterface tun = namespace.call(() -> TunInterface.open("tunC"));
        assertThat(namespace.ipResult("link", "show", "dev", "tunC").exitCode()).isZero();

        tun.close();

        assertThat(namespace.ipResult("link", "show", "dev", "tunC").exitCode()).isNotZero();
    }

    @Test
    void persistentInterfaceIsLeftAsFound() throws Exception {
        NetworkNamespace namespace = createNamespace();
        namespace.ip("tuntap", "add", "dev", "tunP", "mode", "tun");
        String before = namespace.ip("-d", "address", "show", "dev", "tunP");

        TunInterface tun = namespace.call(() -> TunInterface.open("tunP"));
        assertThat(tun.isPersistent()).isTrue();
        tun.close();

        assertThat(namespace.ip("-d", "address", "show", "dev", "tunP")).isEqualTo(before);
    }

    @Test
    void persistentInterfaceWithPacketInformationIsRejected() throws Exception {
        NetworkNamespace namespace = createNamespace();
        namespace.ip("tuntap", "add", "dev", "tunPI", "mode", "tun", "pi");

        assertThatThrownBy(() -> namespace.call(() -> TunInterface.open("tunPI")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("tunPI")
                .hasMessageContaining("pi or vnet_hdr");
        assertThat(namespace.ip("-d", "link", "show", "dev", "tunPI")).contains("pi on");
    }

    @Test
    void existingNonTunInterfaceIsRejected() throws Exception {
        NetworkNamespace namespace = createNamespace();

        assertThatThrownBy(() -> namespace.call(() -> TunInterface.open("lo")))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot open TUN interface lo: an interface of that name exists"
                        + " and is not a TUN interface");
    }

    @Test
    void failedOpenLeaksNoDescriptor() throws Exception {
        NetworkNamespace namespace = createNamespace();
        namespace.ip("tuntap", "add", "dev", "tunPI", "mode", "tun", "pi");
        long before = openDescriptorCount();

        for (int attempt = 0; attempt < 20; attempt++) {
            assertThatThrownBy(() -> namespace.call(() -> TunInterface.open("lo"))).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> namespace.call(() -> TunInterface.open("tunPI"))).isInstanceOf(IOException.class);
        }

        assertThat(openDescriptorCount()).isLessThanOrEqualTo(before);
    }

    @Test
    void tooSmallReadBufferIsRejected() throws Exception {
        NetworkNamespace namespace = createNamespace();
        try (TunInterface tun = namespace.call(() -> TunInterface.open("tunT"))) {
            assertThatThrownBy(() -> tun.read(new byte[19]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("19 bytes");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"seng-name-too-long", "", "tun/0", "tun:0", "tun%d", "tun 0", ".."})
    void invalidNameIsRejected(String name) {
        assertThatThrownBy(() -> TunInterface.open(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid interface name")
                .hasMessageContaining(name);
    }

    private NetworkNamespace createNamespace() {
        namespace = NetworkNamespace.createOrSkip();
        return namespace;
    }

    private static long openDescriptorCount() throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.count();
        }
    }

    private static TunInterface openConfigured(String name) throws IOException {
        TunInterface tun = TunInterface.open(name);
        try {
            tun.setMtu(MTU);
            tun.addAddress(GATEWAY, 24);
            tun.addAddress(GATEWAY, 24); // already there: no error
            tun.bringUp();
            return tun;
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
    }

    /** Sends a UDP datagram to the IPv6 all-nodes group (ff02::1) on the interface with {@code index}. */
    private static void sendIpv6Datagram(int index) throws IOException {
        byte[] allNodes = new byte[16];
        allNodes[0] = (byte) 0xff;
        allNodes[1] = 0x02;
        allNodes[15] = 0x01;
        try (DatagramSocket socket = new DatagramSocket()) {
            byte[] data = "IPv6 datagram".getBytes();
            socket.send(new DatagramPacket(data, data.length, Inet6Address.getByAddress(null, allNodes, index), 9));
        }
    }

    /** Reads until an ICMP echo reply arrives and returns its length. */
    private static int readEchoReply(TunInterface tun, byte[] buffer) throws Exception {
        CompletableFuture<Integer> reply = new CompletableFuture<>();
        Thread.ofPlatform().name("tun-test-reader").start(() -> {
            try {
                while (true) {
                    int length = tun.read(buffer);
                    if (IcmpEcho.isEcho(buffer, length, IcmpEcho.TYPE_ECHO_REPLY)) {
                        reply.complete(length);
                        return;
                    }
                }
            } catch (Throwable e) {
                reply.completeExceptionally(e);
            }
        });
        return awaitOrClose(reply, tun);
    }

    /**
     * Starts a reader that collects echo replies, each as identifier * 65536 + sequence, until it
     * has {@code count} of them.
     */
    private static CompletableFuture<Set<Integer>> startReader(TunInterface tun, int count) {
        CompletableFuture<Set<Integer>> replies = new CompletableFuture<>();
        Thread.ofPlatform().name("tun-test-reader").start(() -> {
            byte[] buffer = new byte[2048];
            Set<Integer> received = new HashSet<>();
            try {
                while (received.size() < count) {
                    int length = tun.read(buffer);
                    if (IcmpEcho.isEcho(buffer, length, IcmpEcho.TYPE_ECHO_REPLY)) {
                        received.add(IcmpEcho.identifier(buffer) << 16 | IcmpEcho.sequence(buffer));
                    }
                }
                replies.complete(received);
            } catch (Throwable e) {
                replies.completeExceptionally(e);
            }
        });
        return replies;
    }

    /** Waits for {@code result}; on timeout closes {@code tun}, which ends the reader, and fails. */
    private static <T> T awaitOrClose(CompletableFuture<T> result, TunInterface tun) throws Exception {
        try {
            return result.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            tun.close();
            throw new AssertionError("no reply within " + WAIT_SECONDS + " s, counters " + tun.counters(), e);
        }
    }
}
