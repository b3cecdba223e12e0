package seng.tunnel;

import com.google.protobuf.InvalidProtocolBufferException;

import seng.ip.Ipv4Address;
import seng.pool.Subnet;
import seng.tunnel.proto.IpAssignACK;
import seng.tunnel.proto.IpAssignment;

/**
 * The two setup messages of tunnel #1. Addresses travel as their four network-order bytes read
 * as a little-endian integer, which is how the C++ clients copy an {@code in_addr} into a uint32.
 */
public final class SetupMessages {
    private SetupMessages() {
    }

    public static byte[] assignment(int address, Subnet subnet) {
        return IpAssignment.newBuilder()
                .setIp(Ipv4Address.toLittleEndian(address))
                .setNetmask(Ipv4Address.toLittleEndian(subnet.netmask()))
                .setGwIp(Ipv4Address.toLittleEndian(subnet.gateway()))
                .build()
                .toByteArray();
    }

    /**
     * Decodes an IpAssignACK.
     *
     * @return the acknowledged address in network order
     * @throws InvalidProtocolBufferException if the bytes are not an IpAssignACK with its ip field
     */
    public static int acknowledgedAddress(byte[] message, int length) throws InvalidProtocolBufferException {
        IpAssignACK ack = IpAssignACK.parseFrom(java.nio.ByteBuffer.wrap(message, 0, length));
        return Ipv4Address.fromLittleEndian(ack.getIp());
    }
}
