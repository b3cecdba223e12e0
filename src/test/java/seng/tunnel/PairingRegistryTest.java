package seng.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class PairingRegistryTest {
    private final PairingRegistry registry = new PairingRegistry();
    private final byte[] quote = {1, 2, 3, 4};

    @Test
    void waitingTunnelIsFoundByHostAndQuoteContent() throws Exception {
        InetAddress host = InetAddress.getByName("127.0.0.1");
        PairingRegistry.Waiting waiting = registry.register(host, quote);

        assertThat(registry.find(InetAddress.getByName("127.0.0.1"), quote.clone())).isSameAs(waiting);
        assertThat(registry.find(InetAddress.getByName("127.0.0.2"), quote)).isNull();
        assertThat(registry.find(host, new byte[]{1, 2, 3, 5})).isNull();
    }

    @Test
    void timeoutRemovesWaitingTunnel() throws Exception {
        InetAddress host = InetAddress.getByName("127.0.0.1");
        PairingRegistry.Waiting waiting = registry.register(host, quote);

        assertThat(waiting.await(Duration.ofMillis(50))).isNull();
        assertThat(waiting.isWaiting()).isFalse();
        assertThat(registry.size()).isZero();
        assertThat(waiting.pair(null)).isFalse();
    }

    @Test
    void newerRegistrationSupersedesOlder() throws Exception {
        InetAddress host = InetAddress.getByName("127.0.0.1");
        PairingRegistry.Waiting older = registry.register(host, quote);
        PairingRegistry.Waiting newer = registry.register(host, quote);

        assertThat(older.await(Duration.ofSeconds(5))).isNull();
        assertThat(registry.find(host, quote)).isSameAs(newer);
    }

    @Test
    void abandonedTunnelCannotBePaired() throws Exception {
        PairingRegistry.Waiting waiting = registry.register(InetAddress.getByName("127.0.0.1"), quote);

        waiting.abandon();

        assertThat(waiting.pair(null)).isFalse();
        assertThat(registry.size()).isZero();
    }
}
