package fornax.kernel.ninep;

import static fornax.kernel.ninep.Dialect.*;
import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.ninep.Message.Rversion;
import fornax.kernel.ninep.Message.Tversion;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DialectTest {
    static final Set<Dialect> ALL = EnumSet.allOf(Dialect.class);

    @Test
    void versionStringsFollowVersion5() {
        assertEquals(P9P2000L, choose("9P2000.L", ALL));
        assertEquals(P9P2000U, choose("9P2000.u", ALL));
        assertEquals(P9P2000, choose("9P2000", ALL));
        assertEquals(P9P2000, choose("9P2000.x", ALL));          // unknown suffix: stripped
        assertEquals(P9P2000, choose("9P2000.L", EnumSet.of(P9P2000, P9P2000U)));
        assertEquals(P9P2000, choose("9P2001", ALL));            // later version: answer an earlier one
        assertEquals(P9P2000, choose("9P99999999999999999999", ALL));
        assertNull(choose("9P1999", ALL));
        assertNull(choose("9P", ALL));
        assertNull(choose("9P20a0", ALL));
        assertNull(choose("9p2000", ALL));                       // must begin with "9P"
        assertNull(choose("", ALL));
        assertNull(choose("9P2000.u", EnumSet.of(P9P2000L)));    // no plain 9P2000 to fall back to
        assertEquals(P9P2000L, of("9P2000.L"));
        assertNull(of("9P2000.l"));
    }

    @Test
    void serverAnswerNegotiatesMsizeDownAndSaysUnknownWhenItMust() {
        assertEquals(new Rversion(8192, "9P2000.L"), answer(new Tversion(8192, "9P2000.L"), 65536, ALL));
        assertEquals(new Rversion(65536, "9P2000.L"), answer(new Tversion(-1, "9P2000.L"), 65536, ALL)); // u32 4 GiB
        assertEquals(new Rversion(4096, "unknown"), answer(new Tversion(4096, "9P1"), 65536, ALL));
        assertEquals(new Rversion(100, "unknown"), answer(new Tversion(100, "9P2000"), 65536, ALL));
        assertEquals(new Rversion(8192, "9P2000"), answer(new Tversion(8192, "9P2000.u"), 8192, EnumSet.of(P9P2000)));
        assertThrows(IllegalArgumentException.class, () -> answer(new Tversion(8192, "9P2000"), 10, ALL));
    }

    @Test
    void clientAcceptsOnlyWhatVersion5Allows() throws Exception {
        Tversion t = new Tversion(8192, "9P2000.L");
        assertEquals(P9P2000L, accept(t, new Rversion(8192, "9P2000.L")));
        assertEquals(P9P2000L, accept(t, new Rversion(4096, "9P2000.L")));
        assertEquals(P9P2000, accept(t, new Rversion(8192, "9P2000")));
        assertThrows(NinePException.class, () -> accept(t, new Rversion(8193, "9P2000.L")));   // raised msize
        assertThrows(NinePException.class, () -> accept(t, new Rversion(100, "9P2000.L")));    // too small
        assertThrows(NinePException.class, () -> accept(t, new Rversion(8192, "unknown")));
        assertThrows(NinePException.class, () -> accept(t, new Rversion(8192, "9P2000.u")));   // not asked for
        assertThrows(NinePException.class, () -> accept(new Tversion(8192, "9P2000"), new Rversion(8192, "9P2000.L")));
        // a negotiation between our own server and client lands on the same dialect and msize
        Tversion offer = new Tversion(1 << 20, "9P2000.u");
        Rversion r = answer(offer, 65536, ALL);
        assertEquals(P9P2000U, accept(offer, r));
        assertEquals(65536, r.msize());
    }
}
