package fornax.machine.dev;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Goldfish RTC reads the host's wall clock in nanoseconds since the epoch. */
class GoldfishRtcTest {
    private static long nanos(Instant t) { return t.getEpochSecond() * 1_000_000_000L + t.getNano(); }

    @Test
    void timeIsNearNow() {
        GoldfishRtc rtc = new GoldfishRtc();
        for (int k = 0; k < 5; k++) {
            long before = nanos(Instant.now());
            long lo = rtc.read(0x00, 4);           // latches
            long hi = rtc.read(0x04, 4);
            long after = nanos(Instant.now());
            long t = hi << 32 | lo;
            assertTrue(before <= t && t <= after, "rtc " + t + " not within [" + before + ", " + after + "]");
            assertTrue(lo >= 0 && lo <= 0xFFFFFFFFL && hi >= 0 && hi <= 0xFFFFFFFFL);
        }
    }

    @Test
    void highHalfIsLatchedByTheLowRead() {
        GoldfishRtc rtc = new GoldfishRtc();
        rtc.read(0x00, 4);
        long hi1 = rtc.read(0x04, 4);
        long hi2 = rtc.read(0x04, 4);
        assertTrue(hi1 == hi2, "TIME_HIGH does not move until TIME_LOW is read again");
        assertTrue(rtc.read(0x10, 4) == 0, "alarm registers read as zero");
    }
}
