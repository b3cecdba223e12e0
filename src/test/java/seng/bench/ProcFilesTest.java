package seng.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import seng.ip.Ipv4Address;

class ProcFilesTest {
    private static final String STATUS = """
            Name:\tjava
            Umask:\t0022
            State:\tS (sleeping)
            VmPeak:\t 4125588 kB
            VmSize:\t 4059028 kB
            VmHWM:\t  312000 kB
            VmRSS:\t  297184 kB
            RssAnon:\t  270000 kB
            Threads:\t31
            """;

    // Fields 14 and 15 (utime 1500, stime 230) follow a command name with a space and a parenthesis.
    private static final String STAT = "4242 (java (seng) x) S 1 4242 4242 0 -1 4194560 76336 0 0 0 1500 230 0 0 20 0 31 0"
            + " 123 4059028000 74296 18446744073709551615 1 1 0 0 0 0 0 4096 16796879 0 0 0 17 1 0 0 0 0 0\n";

    private static final String NET_UDP = """
               sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
              101: 0100007F:5BA0 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 913371 2 0000000000000000 0
              102: 0100007F:5BA1 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 913372 2 0000000000000000 0
              103: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 12345 2 0000000000000000 0
              104: 0200007F:3039 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2 0000000000000000 0
            """;

    @Test
    void vmRssIsReadInKilobytes() {
        assertThat(ProcFiles.vmRssKb(STATUS)).isEqualTo(297_184);
    }

    @Test
    void vmRssMissingIsRejected() {
        assertThatThrownBy(() -> ProcFiles.vmRssKb("Name:\tkthreadd\nState:\tS\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VmRSS");
    }

    @Test
    void cpuTicksSkipCommandWithSpacesAndParentheses() {
        assertThat(ProcFiles.cpuTicks(STAT)).isEqualTo(1500 + 230);
    }

    @Test
    void cpuTicksOfTruncatedLineAreRejected() {
        assertThatThrownBy(() -> ProcFiles.cpuTicks("4242 (java) S 1 2 3"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void udpInodeFoundByAddressAndPort() {
        int loopback = Ipv4Address.parse("127.0.0.1");

        assertThat(ProcFiles.udpSocketInode(NET_UDP, loopback, 23456)).isEqualTo(OptionalLong.of(913371));
        assertThat(ProcFiles.udpSocketInode(NET_UDP, loopback, 23457)).isEqualTo(OptionalLong.of(913372));
    }

    @Test
    void udpInodeMatchesWildcardBinding() {
        assertThat(ProcFiles.udpSocketInode(NET_UDP, Ipv4Address.parse("10.1.2.3"), 68)).isEqualTo(OptionalLong.of(12345));
    }

    @Test
    void udpInodeOfOtherAddressIsNotMatched() {
        assertThat(ProcFiles.udpSocketInode(NET_UDP, Ipv4Address.parse("127.0.0.1"), 12345)).isEmpty();
        assertThat(ProcFiles.udpSocketInode(NET_UDP, Ipv4Address.parse("127.0.0.2"), 12345)).isEqualTo(OptionalLong.of(777));
    }

    @Test
    void socketLinkMatchesExactInode() {
        assertThat(ProcFiles.isSocket("socket:[913371]", 913371)).isTrue();
        assertThat(ProcFiles.isSocket("socket:[9133710]", 913371)).isFalse();
        assertThat(ProcFiles.isSocket("/dev/null", 913371)).isFalse();
    }

    @Test
    void maxOpenFilesReadsSoftLimit() {
        String limits = """
                Limit                     Soft Limit           Hard Limit           Units
                Max cpu time              unlimited            unlimited            seconds
                Max open files            20000                20000                files
                """;
        assertThat(ProcFiles.maxOpenFiles(limits)).isEqualTo(20_000);
        assertThat(ProcFiles.maxOpenFiles(limits.replace("20000                20000", "unlimited            unlimited")))
                .isEqualTo(-1);
    }

    @Test
    void localPortCountIncludesBothEnds() {
        assertThat(ProcFiles.localPortCount("32768\t60999\n")).isEqualTo(28_232);
    }

    @Test
    void cpuModelAndMemoryAreRead() {
        assertThat(ProcFiles.cpuModel("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n"))
                .isEqualTo("AMD EPYC 7B13");
        assertThat(ProcFiles.cpuModel("processor\t: 0\nBogoMIPS\t: 50.00\n")).isEqualTo("unknown");
        assertThat(ProcFiles.memTotalKb("MemTotal:       24683792 kB\nMemFree:        23000000 kB\n")).isEqualTo(24_683_792);
    }
}
