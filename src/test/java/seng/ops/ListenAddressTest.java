package seng.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListenAddressTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:9145, 127.0.0.1, 9145",
        "[::1]:9145, 0:0:0:0:0:0:0:1, 9145",
        "localhost:0, 127.0.0.1, 0",
        "0.0.0.0:65535, 0.0.0.0, 65535"
    })
    void validAddressIsParsed(String text, String host, int port) {
        InetSocketAddress address = ListenAddress.parse(text);

        assertThat(address.getAddress().getHostAddress()).isEqualTo(host);
        assertThat(address.getPort()).isEqualTo(port);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "9145|expected HOST:PORT",
        ":9145|expected HOST:PORT",
        "127.0.0.1:|expected HOST:PORT",
        "::1:9145|in brackets",
        "127.0.0.1:http|not a number",
        "127.0.0.1:65536|from 0 to 65535",
        "127.0.0.1:-1|from 0 to 65535",
        "no-such-host.invalid:9145|cannot resolve"
    })
    void invalidAddressIsRejected(String text, String reason) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining(reason);
    }
}
