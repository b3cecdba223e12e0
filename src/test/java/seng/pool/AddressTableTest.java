package seng.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import seng.ip.Ipv4Address;

class AddressTableTest {
    private final AddressTable<String> table = new AddressTable<>();

    @Test
    void storedSessionIsFoundByAddress() {
        int address = Ipv4Address.parse("192.168.28.7");
        table.put(address, "seven");

        assertThat(table.get(address)).isEqualTo("seven");
        assertThat(table.get(address + 1)).isNull();
        assertThat(table.get(Ipv4Address.parse("10.0.0.1"))).isNull();
    }

    @Test
    void secondSessionForSameAddressIsRejected() {
        int address = Ipv4Address.parse("10.9.8.7");
        table.put(address, "first");

        assertThatThrownBy(() -> table.put(address, "second")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void lateRemoveDoesNotEvictSuccessor() {
        int address = Ipv4Address.parse("255.255.255.254");
        table.put(address, "old");
        assertThat(table.remove(address, "old")).isTrue();
        table.put(address, "new");

        assertThat(table.remove(address, "old")).isFalse();
        assertThat(table.get(address)).isEqualTo("new");
    }
}
