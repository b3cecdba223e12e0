package seng.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import seng.ip.Ipv4Address;

class SubnetTest {

    @Test
    void parsedSubnetKnowsItsAddresses() {
        Subnet subnet = Subnet.parse(2, "172.16.28.0/26", "172.16.28.1");

        assertThat(subnet.netmask()).isEqualTo(Ipv4Address.parse("255.255.255.192"));
        assertThat(subnet.broadcast()).isEqualTo(Ipv4Address.parse("172.16.28.63"));
        assertThat(subnet.capacity()).isEqualTo(61);
        assertThat(subnet.contains(Ipv4Address.parse("172.16.28.63"))).isTrue();
        assertThat(subnet.contains(Ipv4Address.parse("172.16.28.64"))).isFalse();
    }

    @Test
    void prefixOutsideSlash8ToSlash30IsRejected() {
        assertThatThrownBy(() -> Subnet.parse(1, "10.0.0.0/7", "10.0.0.1")).hasMessageContaining("/8 to /30");
        assertThatThrownBy(() -> Subnet.parse(1, "10.0.0.0/31", "10.0.0.1")).hasMessageContaining("/8 to /30");
    }

    @Test
    void loopbackAndMulticastAreRejected() {
        assertThatThrownBy(() -> Subnet.parse(1, "127.0.0.0/8", "127.0.0.1")).hasMessageContaining("not unicast");
        assertThatThrownBy(() -> Subnet.parse(1, "224.0.0.0/24", "224.0.0.1")).hasMessageContaining("not unicast");
        assertThatThrownBy(() -> Subnet.parse(1, "0.0.0.0/8", "0.0.0.1")).hasMessageContaining("not unicast");
    }

    @Test
    void hostBitsInNetworkAreRejected() {
        assertThatThrownBy(() -> Subnet.parse(1, "10.0.0.5/24", "10.0.0.1")).hasMessageContaining("host bits are set");
    }

    @Test
    void gatewayMustBeHostAddressInside() {
        assertThatThrownBy(() -> Subnet.parse(1, "10.0.0.0/24", "10.0.1.1")).hasMessageContaining("inside the subnetwork");
        assertThatThrownBy(() -> Subnet.parse(1, "10.0.0.0/24", "10.0.0.0")).hasMessageContaining("inside the subnetwork");
        assertThatThrownBy(() -> Subnet.parse(1, "10.0.0.0/24", "10.0.0.255")).hasMessageContaining("inside the subnetwork");
    }

    @Test
    void overlapIsDetectedBothWays() {
        Subnet wide = Subnet.parse(1, "10.0.0.0/16", "10.0.0.1");
        Subnet inner = Subnet.parse(2, "10.0.5.0/24", "10.0.5.1");
        Subnet apart = Subnet.parse(3, "10.1.0.0/24", "10.1.0.1");

        assertThat(wide.overlaps(inner)).isTrue();
        assertThat(inner.overlaps(wide)).isTrue();
        assertThat(wide.overlaps(apart)).isFalse();
    }

    @Test
    void networkRefusesOverlappingSubnet() {
        EnclaveNetwork network = EnclaveNetwork.withDefaultSubnet();

        assertThatThrownBy(() -> network.add(Subnet.parse(5, "192.168.28.128/25", "192.168.28.129")))
                .hasMessageContaining("overlaps 192.168.28.0/24");
        assertThat(network.isGatewayAddress(Ipv4Address.parse("192.168.28.1"))).isTrue();
        assertThat(network.isEnclaveAddress(Ipv4Address.parse("192.168.28.77"))).isTrue();
        assertThat(network.isEnclaveAddress(Ipv4Address.parse("192.168.29.77"))).isFalse();
    }
}
