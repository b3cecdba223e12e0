package seng.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seng.ip.Ipv4Address;

class AddressPoolTest {

    @ParameterizedTest
    @ValueSource(ints = {30, 29, 26, 24, 20, 16})
    void poolHandsOutEveryHostAddressExceptReservedOnes(int prefixLength) {
        Subnet subnet = new Subnet(1, Ipv4Address.parse("10.20.0.0"), prefixLength, Ipv4Address.parse("10.20.0.1"));
        AddressPool pool = new AddressPool(subnet);

        Set<Integer> handedOut = new HashSet<>();
        int address;
        while ((address = pool.allocate(handedOut.size())) != 0) {
            assertThat(handedOut.add(address)).as("address %s handed out twice", Ipv4Address.format(address)).isTrue();
        }

        assertThat(handedOut).hasSize(subnet.capacity());
        assertThat(handedOut).doesNotContain(subnet.network(), subnet.broadcast(), subnet.gateway());
        assertThat(handedOut).allMatch(subnet::contains);
        assertThat(pool.freeCount()).isZero();
    }

    @Test
    void slash30HoldsExactlyOneEnclave() {
        AddressPool pool = new AddressPool(Subnet.parse(2, "172.16.28.0/30", "172.16.28.1"));

        int only = pool.allocate(0);

        assertThat(only).isEqualTo(Ipv4Address.parse("172.16.28.2"));
        assertThat(pool.allocate(0)).isZero();
        pool.release(only);
        assertThat(pool.allocate(5)).isEqualTo(only);
    }

    @Test
    void randomAllocationsAndReleasesMatchPlainSet() {
        AddressPool pool = new AddressPool(Subnet.parse(1, "192.168.28.0/24", "192.168.28.1"));
        Set<Integer> model = new HashSet<>();
        List<Integer> held = new ArrayList<>();
        Random random = new Random(42);

        for (int step = 0; step < 20_000; step++) {
            if (held.isEmpty() || random.nextInt(3) > 0) {
                int address = pool.allocate(random.nextInt());
                if (address == 0) {
                    assertThat(model).hasSize(253);
                    continue;
                }
                assertThat(model.add(address)).isTrue();
                held.add(address);
            } else {
                int address = held.remove(random.nextInt(held.size()));
                pool.release(address);
                model.remove(address);
            }
            assertThat(pool.freeCount()).isEqualTo(253 - model.size());
        }
    }

    @Test
    void concurrentAllocationsNeverShareAnAddress() throws Exception {
        AddressPool pool = new AddressPool(Subnet.parse(1, "10.0.0.0/20", "10.0.0.1"));
        Set<Integer> taken = ConcurrentHashMap.newKeySet();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int worker = 0; worker < 32; worker++) {
                int hint = worker;
                workers.add(executor.submit(() -> {
                    for (int round = 0; round < 500; round++) {
                        int address = pool.allocate(hint);
                        if (address != 0) {
                            assertThat(taken.add(address)).isTrue();
                            taken.remove(address);
                            pool.release(address);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        assertThat(pool.freeCount()).isEqualTo(pool.subnet().capacity());
    }

    @Test
    void releasingReservedOrForeignAddressFails() {
        AddressPool pool = new AddressPool(Subnet.parse(1, "192.168.28.0/24", "192.168.28.1"));

        assertThatThrownBy(() -> pool.release(Ipv4Address.parse("192.168.28.1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool.release(Ipv4Address.parse("10.0.0.5"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool.release(Ipv4Address.parse("192.168.28.7"))).isInstanceOf(IllegalStateException.class);
    }
}
