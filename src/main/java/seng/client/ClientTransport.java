package seng.client;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import org.bouncycastle.tls.DatagramTransport;

import seng.dtls.NoDatagramPending;

/**
 * A connected UDP channel as Bouncy Castle's DTLS client uses it. The send limit follows the link
 * MTU the client is configured with, so the RA-TLS certificate is fragmented as it is by the real
 * clients (1500 bytes). A receive blocks up to its wait, until {@link #switchToEventMode} makes the
 * channel non-blocking for a selector loop; from then on a receive with nothing waiting ends at once.
 */
final class ClientTransport implements DatagramTransport {
    private static final int IP_AND_UDP_HEADERS = 28;
    private static final int RECEIVE_LIMIT = 2048;

    private final DatagramChannel channel;
    private final DatagramSocket socket;
    private final int sendLimit;
    private final DatagramPacket receivePacket = new DatagramPacket(new byte[0], 0);
    private int currentTimeout = -1;
    private volatile boolean eventMode;

    ClientTransport(DatagramChannel channel, int linkMtu) {
        this.channel = channel;
        this.socket = channel.socket();
        this.sendLimit = linkMtu - IP_AND_UDP_HEADERS;
    }

    DatagramChannel channel() {
        return channel;
    }

    /** Makes the channel non-blocking; the caller then receives only when a selector reports it readable. */
    void switchToEventMode() throws IOException {
        channel.configureBlocking(false);
        eventMode = true;
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return sendLimit;
    }

    @Override
    public int receive(byte[] buffer, int offset, int length, int waitMillis) throws IOException {
        if (eventMode) {
            int received = channel.read(ByteBuffer.wrap(buffer, offset, length));
            if (received <= 0) {
                throw NoDatagramPending.INSTANCE;
            }
            return received;
        }
        if (waitMillis != currentTimeout) {
            socket.setSoTimeout(waitMillis);
            currentTimeout = waitMillis;
        }
        receivePacket.setData(buffer, offset, length);
        try {
            socket.receive(receivePacket);
        } catch (SocketTimeoutException e) {
            return -1;
        }
        return receivePacket.getLength();
    }

    @Override
    public void send(byte[] buffer, int offset, int length) throws IOException {
        if (eventMode) {
            channel.write(ByteBuffer.wrap(buffer, offset, length));
        } else {
            socket.send(new DatagramPacket(buffer, offset, length));
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
