package seng.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import seng.ip.Ipv4Address;

class StoredAddressTest {

    @Test
    void encodesLikeUpstreamScript() {
        assertThat(StoredAddress.encode(Ipv4Address.parse("192.168.28.0"))).isEqualTo(0x001ca8c0L);
        assertThat(StoredAddress.encode(Ipv4Address.parse("127.0.0.1"))).isEqualTo(0x0100007fL);
        assertThat(StoredAddress.encode(Ipv4Address.parse("255.255.255.192"))).isEqualTo(3238002687L);
    }

    @Test
    void decodesPositiveAndNegativeForms() {
        int netmask = Ipv4Address.parse("255.255.255.192");

        assertThat(StoredAddress.decode(3238002687L)).isEqualTo(netmask);
        assertThat(StoredAddress.decode(-1056964609L)).isEqualTo(netmask);
        assertThat(StoredAddress.decode(0x011c10acL)).isEqualTo(Ipv4Address.parse("172.16.28.1"));
    }

    @Test
    void rejectsValuesBeyond32Bits() {
        assertThatThrownBy(() -> StoredAddress.decode(0x1_0000_0000L))
                .hasMessage("value 4294967296 is not a 32-bit integer");
        assertThatThrownBy(() -> StoredAddress.decode(-0x8000_0001L))
                .hasMessage("value -2147483649 is not a 32-bit integer");
    }
}
