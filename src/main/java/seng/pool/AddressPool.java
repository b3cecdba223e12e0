package seng.pool;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import seng.ip.Ipv4Address;

/**
 * The free enclave addresses of one subnetwork. The address space is cut into stripes, each with
 * its own lock and bit set, so concurrent admissions rarely wait for each other: a caller starts at
 * the stripe its hint picks and moves on only when that stripe is full.
 */
public final class AddressPool {
    private static final int MAX_STRIPES = 16;

    private final Subnet subnet;
    private final Stripe[] stripes;
    private final int stripeWidth;
    private final AtomicInteger free;

    public AddressPool(Subnet subnet) {
        this.subnet = subnet;
        int size = subnet.size();
        int stripeCount = Math.min(MAX_STRIPES, Math.max(1, size / 64));
        this.stripeWidth = (size + stripeCount - 1) / stripeCount;
        this.stripes = new Stripe[stripeCount];
        for (int index = 0; index < stripeCount; index++) {
            stripes[index] = new Stripe(index * stripeWidth, Math.min(size, (index + 1) * stripeWidth));
        }

        reserve(0);
        reserve(subnet.size() - 1);
        reserve(subnet.offsetOf(subnet.gateway()));
        this.free = new AtomicInteger(subnet.capacity());
    }

    public Subnet subnet() {
        return subnet;
    }

    /** Returns how many addresses are free now; a snapshot that may change right away. */
    public int freeCount() {
        return free.get();
    }

    /**
     * Takes the lowest free address of the stripe {@code hint} picks, or of the next stripe with one.
     *
     * @return the address, or {@code 0} when the subnetwork is full (0.0.0.0 is never an enclave address)
     */
    public int allocate(int hint) {
        int first = Math.floorMod(hint, stripes.length);
        for (int step = 0; step < stripes.length; step++) {
            int offset = stripes[(first + step) % stripes.length].take();
            if (offset >= 0) {
                free.decrementAndGet();
                return subnet.network() + offset;
            }
        }
        return 0;
    }

    /**
     * Returns an address to the pool.
     *
     * @throws IllegalArgumentException if the address is not an allocatable address of this subnetwork
     * @throws IllegalStateException if the address was not allocated, which would be a double release
     */
    public void release(int address) {
        int offset = subnet.offsetOf(address);
        if (!subnet.contains(address) || address == subnet.gateway() || offset == 0 || offset == subnet.size() - 1) {
            throw new IllegalArgumentException("address " + Ipv4Address.format(address)
                    + " does not belong to the pool of " + subnet);
        }
        stripes[offset / stripeWidth].put(offset);
        free.incrementAndGet();
    }

    private void reserve(int offset) {
        stripes[offset / stripeWidth].reserve(offset);
    }

    private static final class Stripe {
        private final ReentrantLock lock = new ReentrantLock();
        private final BitSet used = new BitSet();
        private final int start;
        private final int end;

        Stripe(int start, int end) {
            this.start = start;
            this.end = end;
        }

        int take() {
            lock.lock();
            try {
                int offset = used.nextClearBit(start);
                if (offset >= end) {
                    return -1;
                }
                used.set(offset);
                return offset;
            } finally {
                lock.unlock();
            }
        }

        void put(int offset) {
            lock.lock();
            try {
                if (!used.get(offset)) {
                    throw new IllegalStateException("address offset " + offset + " released twice");
                }
                used.clear(offset);
            } finally {
                lock.unlock();
            }
        }

        void reserve(int offset) {
            used.set(offset);
        }
    }
}
