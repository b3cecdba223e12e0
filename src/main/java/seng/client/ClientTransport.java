package seng.client;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;

import org.bouncycastle.tls.DatagramTransport;

/**
 * A connected UDP socket as Bouncy Castle's DTLS client uses it. The send limit follows the link
 * MTU the client is configured with, so the RA-TLS certificate is fragmented as it is by the real
 * clients (1500 bytes).
 */
final class ClientTransport implements DatagramTransport {
    private static final int IP_AND_UDP_HEADERS = 28;
    private static final int RECEIVE_LIMIT = 2048;

    private final DatagramSocket socket;
    private final int sendLimit;
    private final DatagramPacket receivePacket = new DatagramPacket(new byte[0], 0);
    private int currentTimeout = -1;

    ClientTransport(DatagramSocket socket, int linkMtu) {
        this.socket = socket;
        this.sendLimit = linkMtu - IP_AND_UDP_HEADERS;
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
        socket.send(new DatagramPacket(buffer, offset, length));
    }

    @Override
    public void close() {
        socket.close();
    }
}
