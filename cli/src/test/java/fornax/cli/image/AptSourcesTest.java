package fornax.cli.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the Debian archive in apt sources of both formats (no network, example host names). */
class AptSourcesTest {
    @TempDir Path etc;

    @Test
    void deb822PicksTheDebianArchiveNotSecurity() throws Exception {
        Files.createDirectories(etc.resolve("sources.list.d"));
        Files.writeString(etc.resolve("sources.list.d/debian.sources"), """
                Types: deb
                # http://snapshot.example.org/archive/debian/20250520T000000Z
                URIs: http://mirror.example.org/debian
                Suites: bookworm bookworm-updates
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                Types: deb
                URIs: http://mirror.example.org/debian-security
                Suites: bookworm-security
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
                """);
        Files.writeString(etc.resolve("sources.list.d/other.sources"), """
                Types: deb
                URIs: https://packages.example.com/node_20.x
                Suites: nodistro
                Components: main
                """);
        List<AptSources.Source> all = AptSources.read(etc);
        assertEquals(3, all.size());
        AptSources.Source d = AptSources.debianArchive(all).orElseThrow();
        assertEquals("http://mirror.example.org/debian", d.uri());
        assertEquals(List.of("bookworm", "bookworm-updates"), d.suites());
        assertEquals("/usr/share/keyrings/debian-archive-keyring.gpg", d.signedBy());
    }

    @Test
    void oneLineFormatWithOptionsAndComments() throws Exception {
        Files.writeString(etc.resolve("sources.list"), """
                # deb http://commented.example.org/debian bookworm main
                deb-src http://src.example.org/debian bookworm main
                deb [arch=amd64 signed-by=/etc/keys/x.gpg] http://third.example.com/apt stable main
                deb [arch=amd64 signed-by=/etc/keys/debian.gpg] https://ftp.example.net/debian/ bookworm main contrib # trailing
                """);
        AptSources.Source d = AptSources.debianArchive(AptSources.read(etc)).orElseThrow();
        assertEquals("https://ftp.example.net/debian/", d.uri());
        assertEquals(List.of("main", "contrib"), d.components());
        assertEquals("/etc/keys/debian.gpg", d.signedBy());
    }

    @Test
    void disabledStanzasAndOtherFilesAreIgnored() throws Exception {
        Files.createDirectories(etc.resolve("sources.list.d"));
        Files.writeString(etc.resolve("sources.list.d/off.sources"),
                "Enabled: no\nTypes: deb\nURIs: http://a.example.org/debian\nSuites: trixie\nComponents: main\n");
        Files.writeString(etc.resolve("sources.list.d/src.sources"),
                "Types: deb-src\nURIs: http://b.example.org/debian\nSuites: trixie\nComponents: main\n");
        Files.writeString(etc.resolve("sources.list.d/x.list.disabled"), "deb http://c.example.org/debian trixie main\n");
        assertTrue(AptSources.debianArchive(AptSources.read(etc)).isEmpty());
    }

    @Test
    void noSourcesAtAll() throws Exception {
        assertTrue(AptSources.read(etc.resolve("nonexistent")).isEmpty());
    }

    @Test
    void inlineKeyIsNotAKeyringPath() {
        var s = AptSources.parseDeb822("Types: deb\nURIs: http://a.example.org/debian\nSuites: trixie\n"
                + "Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n", Path.of("x.sources"));
        assertEquals(1, s.size());
        assertNull(s.getFirst().signedBy());
    }

    @Test
    void whichUrisAreDebianArchives() {
        assertTrue(AptSources.isDebianArchive("http://mirror.example.org/debian"));
        assertTrue(AptSources.isDebianArchive("https://mirror.example.org/pub/debian/"));
        assertTrue(AptSources.isDebianArchive("file:///srv/mirror/debian"));
        assertFalse(AptSources.isDebianArchive("http://mirror.example.org/debian-security"));
        assertFalse(AptSources.isDebianArchive("http://mirror.example.org/ubuntu"));
        assertFalse(AptSources.isDebianArchive("cdrom:[Debian]/"));
        assertFalse(AptSources.isDebianArchive("not a uri"));
    }
}
