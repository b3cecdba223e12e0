package seng.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Ipv4PrefixTest {

    @Test
    void parsesCidr() {
        Ipv4Prefix prefix = Ipv4Prefix.parse("127.0.0.0/26");

        assertThat(prefix.network()).isEqualTo(Ipv4Address.parse("127.0.0.0"));
        assertThat(prefix.prefixLength()).isEqualTo(26);
        assertThat(prefix.netmask()).isEqualTo(Ipv4Address.parse("255.255.255.192"));
        assertThat(prefix).hasToString("127.0.0.0/26");
    }

    @Test
    void containsOnlyItsAddresses() {
        Ipv4Prefix prefix = Ipv4Prefix.parse("127.0.0.0/26");

        assertThat(prefix.contains(Ipv4Address.parse("127.0.0.1"))).isTrue();
        assertThat(prefix.contains(Ipv4Address.parse("127.0.0.63"))).isTrue();
        assertThat(prefix.contains(Ipv4Address.parse("127.0.0.64"))).isFalse();
        assertThat(prefix.contains(Ipv4Address.parse("127.0.0.100"))).isFalse();
    }

    @Test
    void edgeLengthsWork() {
        assertThat(Ipv4Prefix.parse("0.0.0.0/0").contains(Ipv4Address.parse("203.0.113.9"))).isTrue();
        assertThat(Ipv4Prefix.parse("127.0.0.1/32").contains(Ipv4Address.parse("127.0.0.1"))).isTrue();
        assertThat(Ipv4Prefix.parse("127.0.0.1/32").contains(Ipv4Address.parse("127.0.0.2"))).isFalse();
    }

    @Test
    void containingClearsHostBits() {
        assertThat(Ipv4Prefix.containing(Ipv4Address.parse("127.0.0.1"), 26)).isEqualTo(Ipv4Prefix.parse("127.0.0.0/26"));
    }

    @Test
    void rejectsInvalidText() {
        assertThatThrownBy(() -> Ipv4Prefix.parse("127.0.0.1/26"))
                .hasMessage("invalid prefix 127.0.0.1/26: host bits are set; the network address is 127.0.0.0");
        assertThatThrownBy(() -> Ipv4Prefix.parse("127.0.0.0"))
                .hasMessage("invalid prefix '127.0.0.0': expected CIDR notation such as 127.0.0.0/26");
        assertThatThrownBy(() -> Ipv4Prefix.parse("127.0.0.0/33"))
                .hasMessage("invalid prefix '127.0.0.0/33': the prefix length must be from 0 to 32");
        assertThatThrownBy(() -> Ipv4Prefix.parse("127.0.0.0/-1"))
                .hasMessage("invalid prefix '127.0.0.0/-1': the prefix length is not a number from 0 to 32");
        assertThatThrownBy(() -> Ipv4Prefix.parse("127.0.0/8")).hasMessageStartingWith("invalid IPv4 address '127.0.0'");
    }
}
