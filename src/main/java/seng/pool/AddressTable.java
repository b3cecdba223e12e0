package seng.pool;

import java.util.concurrent.atomic.AtomicReferenceArray;

import seng.ip.Ipv4Address;

/**
 * Maps enclave addresses to their sessions, for the lookup of every packet that comes from the
 * gateway. Reads take no lock: a top-level array indexed by the upper 16 address bits points at
 * blocks of 65,536 slots, created the first time an address of that /16 is stored. Memory is
 * therefore 256 KiB plus 256 KiB for each /16 that has held a session.
 */
public final class AddressTable<T> {
    private static final int BLOCK_BITS = 16;
    private static final int BLOCK_SIZE = 1 << BLOCK_BITS;

    private final AtomicReferenceArray<AtomicReferenceArray<T>> blocks = new AtomicReferenceArray<>(1 << (32 - BLOCK_BITS));

    /** Returns the session holding {@code address}, or null. Never blocks. */
    public T get(int address) {
        AtomicReferenceArray<T> block = blocks.get(address >>> BLOCK_BITS);
        return block == null ? null : block.get(address & (BLOCK_SIZE - 1));
    }

    /**
     * Stores a session under an address that must be free.
     *
     * @throws IllegalStateException if another session holds the address, which means the pool
     *     handed it out twice
     */
    public void put(int address, T session) {
        if (!block(address).compareAndSet(address & (BLOCK_SIZE - 1), null, session)) {
            throw new IllegalStateException("address " + Ipv4Address.format(address) + " is already in use");
        }
    }

    /** Removes the entry only if it still belongs to {@code session}, so a late remove cannot evict a successor. */
    public boolean remove(int address, T session) {
        AtomicReferenceArray<T> block = blocks.get(address >>> BLOCK_BITS);
        return block != null && block.compareAndSet(address & (BLOCK_SIZE - 1), session, null);
    }

    private AtomicReferenceArray<T> block(int address) {
        int index = address >>> BLOCK_BITS;
        AtomicReferenceArray<T> block = blocks.get(index);
        if (block == null) {
            blocks.compareAndSet(index, null, new AtomicReferenceArray<>(BLOCK_SIZE));
            block = blocks.get(index);
        }
        return block;
    }
}
