package seng.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.ip.IcmpEcho;
import seng.ip.Ipv4Address;
import seng.tunnel.DropReason;
import seng.Await;


class TunnelEndToEndTest {
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void twentyEnclavesGetDistinctAddressesAndPingTheGateway() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start();
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<SimulatedEnclave>> connecting = new ArrayList<>();
            for (int index = 0; index < 20; index++) {
                connecting.add(executor.submit(() -> loopback.connect()));
            }
            List<SimulatedEnclave> enclaves = new ArrayList<>();
            for (Future<SimulatedEnclave> future : connecting) {
                enclaves.add(future.get());
            }

            try {
                Set<Integer> addresses = new HashSet<>();
                for (SimulatedEnclave enclave : enclaves) {
                    addresses.add(enclave.address());
                    assertThat(enclave.gateway()).isEqualTo(Ipv4Address.parse("192.168.28.1"));
                    assertThat(enclave.netmask()).isEqualTo(Ipv4Address.parse("255.255.255.0"));
                }
                assertThat(addresses).hasSize(20);
                assertThat(loopback.freeAddresses()).isEqualTo(253 - 20);

                List<Future<Duration>> pings = new ArrayList<>();
                for (SimulatedEnclave enclave : enclaves) {
                    pings.add(executor.submit(() -> enclave.ping(enclave.gateway(), PING_TIMEOUT)));
                }
                for (Future<Duration> ping : pings) {
                    assertThat(ping.get()).isPositive();
                }
            } finally {
                enclaves.forEach(SimulatedEnclave::close);
            }
        }
    }

    @Test
    void enclavePingsAnotherEnclaveThroughTheGateway() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start();
                SimulatedEnclave first = loopback.connect();
                SimulatedEnclave second = loopback.connect();
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> answered = executor.submit(() -> second.answerEchoRequests(1, PING_TIMEOUT));

            byte[] request = IcmpEcho.request(first.address(), second.address(), 7, 1, new byte[16]);
            first.send(request);
            byte[] reply = new byte[2048];
            int length = receiveUntil(first, reply, buffer -> IcmpEcho.isEcho(buffer, buffer.length, IcmpEcho.TYPE_ECHO_REPLY));

            assertThat(answered.get()).isEqualTo(1);
            assertThat(length).isPositive();
            assertThat(IcmpEcho.identifier(reply)).isEqualTo(7);
            assertThat(seng.ip.Ipv4Packet.source(reply)).isEqualTo(second.address());
        }
    }

    private static int receiveUntil(SimulatedEnclave enclave, byte[] buffer, java.util.function.Predicate<byte[]> wanted)
            throws IOException {
        long deadline = System.nanoTime() + PING_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            int length = enclave.receive(buffer, Duration.ofMillis(200));
            if (length > 0 && wanted.test(java.util.Arrays.copyOf(buffer, length))) {
                return length;
            }
        }
        return -1;
    }

    @Test
    void spoofedSourceIsDroppedAndCounted() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start(); SimulatedEnclave enclave = loopback.connect()) {
            int otherSource = enclave.address() + 1;
            enclave.send(IcmpEcho.request(otherSource, enclave.gateway(), 1, 1, new byte[8]));

            Await.until(() -> loopback.server.traffic().drops(DropReason.SPOOFED_SOURCE) == 1);
            assertThat(loopback.server.tunnels().getFirst().counters().drops(DropReason.SPOOFED_SOURCE)).isEqualTo(1);
            assertThat(enclave.ping(enclave.gateway(), PING_TIMEOUT)).isPositive();
            assertThat(loopback.server.traffic().packetsFromEnclaves.sum()).isEqualTo(1);
        }
    }

    @Test
    void closingClientFreesItsAddress() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start()) {
            SimulatedEnclave enclave = loopback.connect();
            assertThat(loopback.freeAddresses()).isEqualTo(252);

            enclave.close();

            Await.until(() -> loopback.freeAddresses() == 253);
            Await.until(() -> loopback.server.tunnels().isEmpty());
            assertThat(loopback.server.traffic().drops(DropReason.NO_TUNNEL)).isZero();
        }
    }

    @Test
    void unpairedTunnel1FreesItsAddressAfterPairingTimeout() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start(config -> config.withPairingTimeout(Duration.ofSeconds(1)))) {
            RaTlsCredentials credentials = LoopbackServer.enclaveCredentials();
            try (SimulatedEnclave.Tunnel1 tunnel1 = SimulatedEnclave.openTunnel1(loopback.address(),
                    credentials.keyPair().getPrivate(), credentials.certificateDer(), LoopbackServer.clientOptions())) {
                assertThat(loopback.freeAddresses()).isEqualTo(252);

                assertThat(tunnel1.awaitCloseNotify(Duration.ofSeconds(5))).isTrue();
                Await.until(() -> loopback.freeAddresses() == 253);
                assertThat(loopback.server.handshakes().count(1, "pairing_timeout")).isEqualTo(1);
                assertThatThrownBy(tunnel1::openTunnel2).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void rsaServerKeyServesEnclaves(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        seng.dtls.ServerCredentials rsa = RsaServerCredentials.create(dir);
        try (LoopbackServer loopback = LoopbackServer.start(config -> new ServerConfig(config.tunnelAddress(), rsa,
                config.trustPolicy(), config.network(), config.admissionPolicy(), config.gatewayFactory(),
                config.dtlsSettings(), config.tunnelSettings(), config.pairingTimeout(), config.clock()))) {
            RaTlsCredentials credentials = LoopbackServer.enclaveCredentials();
            try (SimulatedEnclave enclave = SimulatedEnclave.connect(loopback.address(), credentials.keyPair().getPrivate(),
                    credentials.certificateDer(), LoopbackServer.clientOptions()
                            .withPinnedServerCertificate(rsa.certificate().getEncoded()))) {
                Await.until(() -> loopback.server.tunnels().size() == 1);

                assertThat(enclave.ping(enclave.gateway(), PING_TIMEOUT)).isPositive();
            }
        }
    }

}
