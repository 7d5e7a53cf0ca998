package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fornax.kernel.initramfs.CpioArchive;
import fornax.kernel.initramfs.CpioEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Debian's riscv64 busybox from the root image, running shell scripts under {@code fornax run}
 * and under qemu-riscv64 on the host: same stdout, same exit status. Scripts work in a fresh
 * mktemp directory so the host's files never show. Skipped when the root image has not been built
 * (it needs the Debian archive: {@code ./fornax image}; {@code .ci/run} builds it).
 *
 * <p>The reference must run busybox's applets too, not the host's: qemu-riscv64 cannot execve a
 * riscv64 program without binfmt_misc, so a command the shell executes would otherwise be found
 * on the host's PATH and run natively (GNU coreutils' wc formats differently, for one). The qemu
 * runs therefore get a PATH holding only one host script per applet, each executing
 * {@code qemu-riscv64 busybox APPLET}: what binfmt_misc would do.
 */
class BusyboxCompareTest {
    private static Path busybox;
    /** A directory of host scripts, one per applet, each running it under qemu-riscv64. */
    private static Path applets;

    @TempDir static Path work;

    @BeforeAll
    static void extractBusybox() throws Exception {
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
        GuestHarness.require(GuestHarness.qemuAvailable(), "qemu-riscv64 is not installed (run scripts/setup-toolchain.sh)");
        CpioEntry bin = CpioArchive.read(image).get("/bin/busybox");
        busybox = work.resolve("busybox");
        Files.write(busybox, bin.data());
        busybox.toFile().setExecutable(true);
        var list = GuestHarness.runQemu(busybox, List.of("--list"), work);
        assertEquals(0, list.status(), "busybox --list under qemu-riscv64");
        applets = Files.createDirectory(work.resolve("applets"));
        for (String name : list.out().split("\n")) {
            if (!name.matches("[A-Za-z0-9_.\\[-]+")) continue;
            Path w = applets.resolve(name);
            Files.writeString(w, "#!/bin/sh\nexec " + GuestHarness.qemuPath() + " -0 " + name + " " + busybox + " \"$@\"\n");
            assertTrue(w.toFile().setExecutable(true));
        }
    }

    static Stream<String> scripts() {
        String tmp = "d=$(mktemp -d /tmp/bbtest.XXXXXX) && cd $d && ";
        return Stream.of(
                "echo hello; echo $((3 * 7 + 1)); x=abc; echo ${#x} ${x%c} ${x#a}",
                "f() { echo \"args: $# first: $1\"; return 4; }; f a b c; echo status $?",
                "i=0; while [ $i -lt 5 ]; do i=$((i + 1)); case $i in 2|4) echo even $i;; *) echo odd $i;; esac; done",
                "(echo sub; exit 7); echo sub status $?; trap 'echo trapped' EXIT; echo body",
                "cat <<EOF\nline one\n  indented $((1+1))\nEOF",
                "seq 1 20 | sort -rn | head -5 | tr '\\n' ' '; echo; seq 3 3 30 | awk '{s += $1} END {print s, NR}'",
                "printf 'b\\na\\nc\\na\\n' | sort | uniq -c; echo 'one two three' | cut -d' ' -f2; echo abcabc | sed 's/b/X/g'",
                "echo 'x y z' | wc -w; expr 6 \\* 7; expr length hello; echo foo | grep -c o; echo bar | grep -q foo; echo grep $?",
                tmp + "mkdir -p a/b && echo data > a/b/f && cp a/b/f g && mv g h && ln -s h s && cat s && ls a/b && rm -r a && ls",
                tmp + "seq 1 1000 > n && md5sum n | cut -c1-32 && sha256sum n | cut -c1-64 && wc -c < n && stat -c '%s %F' n",
                tmp + "seq 1 200 > f && gzip f && ls && gunzip f.gz && tail -1 f && tar cf t.tar f && rm f && tar xf t.tar && wc -l f",
                tmp + "dd if=/dev/zero of=z bs=1024 count=64 2>/dev/null && wc -c < z && find . -type f | sort",
                "sleep 0.1 & wait $!; echo waited $?; (sleep 5; echo late) & kill $!; wait $! ; echo killed $?",
                "exit 42",
                // shell: traps, functions and locals, arithmetic, subshells and substitutions, here-docs,
                // positional parameters, case and parameter expansion, set -e, getopts, recursion, test
                "trap 'echo got USR1' USR1; kill -USR1 $$; echo after; trap 'echo term; exit 3' TERM; "
                        + "(trap - TERM; echo sub); kill -TERM $$; echo not reached",
                "f() { local x=$1; x=$((x * 2)); echo \"f:$x\"; return $((x % 7)); }; f 5; echo \"rc=$?\"; "
                        + "(trap 'echo sub-exit' EXIT; echo in-sub; exit 4); echo \"sub=$?\"; "
                        + "g() { echo \"$@\" | tr ' ' '\\n' | sort -r | head -2; }; g c a b",
                "a=7 b=3; echo $((a+b)) $((a-b)) $((a*b)) $((a/b)) $((a%b)) $((a<<2)) $((a>>1)) $((a&b)) $((a|b)) "
                        + "$((a^b)) $((!a)) $((~a)) $((a>b?a:b)) $((-a/2)); i=0; i=$((i+1)); : $((i+=5)); "
                        + "echo $i $((i++)) $i $((--i)); echo $((0x1F)) $((010)) $((2#101)) $(( (1<<62) * 2 ))",
                "x=outer; (x=inner; echo $x); echo $x; y=$(echo $(echo nested) \"$(echo quoted   spaces)\"); "
                        + "echo \"$y\"; echo \"$(cd /; pwd)\"; z=`echo back`; echo $z; echo $( (echo a; echo b) | wc -l)",
                "v=world; cat <<EOF\nhello $v $((1+2))\nEOF\ncat <<'EOF'\nno $v expansion\nEOF\n"
                        + "cat <<-EOF\n\ttab stripped $v\n\tEOF\n"
                        + "while read a b; do echo \"[$b|$a]\"; done <<EOF\n1 one\n2 two three\nEOF",
                "set -- a \"b c\" d; echo $#; for i in \"$@\"; do echo \"<$i>\"; done; shift; echo \"$1\"; "
                        + "IFS=:; set -- $(echo x:y:z); echo $# $2; unset IFS; echo \"$*\"",
                "for f in a.txt b.c README; do case $f in *.txt) echo \"text $f\";; *.[ch]) echo \"C $f\";; "
                        + "*) echo \"other $f\";; esac; done; p=/usr/local/lib/libfoo.so.1; "
                        + "echo ${p##*/} ${p%/*} ${p#*/} ${p%%.*} ${p:5:5} ${#p}; u=; echo ${u:-default} ${u:=set} $u ${v:+alt}x",
                "(set -e; false || echo recovered; true && echo chained; false; echo not reached); echo \"status $?\"; "
                        + "! true; echo \"negated $?\"; if false; then echo no; elif true; then echo elif; fi",
                "parse() { OPTIND=1; while getopts \"ab:c\" o; do case $o in a) echo A;; b) echo \"B=$OPTARG\";; "
                        + "c) echo C;; ?) echo bad;; esac; done; shift $((OPTIND-1)); echo \"rest: $*\"; }; "
                        + "parse -a -b val -c x y; parse -z 2>/dev/null",
                "fact() { if [ $1 -le 1 ]; then echo 1; else local r=$(fact $(($1-1))); echo $(($1 * r)); fi; }; fact 10; "
                        + "fib() { local n=$1; [ $n -lt 2 ] && { echo $n; return; }; "
                        + "echo $(( $(fib $((n-1))) + $(fib $((n-2))) )); }; fib 10",
                tmp + "touch f; mkdir d; [ -f f ] && echo file; [ -d d ] && echo dir; [ -e nope ] || echo missing; "
                        + "[ -s f ] || echo empty; [ abc \\< abd ] && echo less; [ 10 -gt 9 ] && echo gt; "
                        + "[ -z \"\" ] && echo zero; [ -n x ] && echo nonzero; test 1 -eq 1 -a 2 -ne 3 && echo and",
                // text applets
                "seq -w 8 12; seq 5 -2 1 | tr '\\n' ,; echo; printf '%s:%d:%5.2f|%-4s|%x\\n' str 42 3.14159 ab 255; "
                        + "printf 'b 2\\na 10\\nc 1\\na 2\\n' | sort -k2,2n; "
                        + "printf 'b 2\\na 10\\nc 1\\na 2\\n' | sort -t' ' -k1,1 -k2,2nr; "
                        + "printf 'x\\nx\\ny\\nz\\nz\\n' | uniq -d; printf 'x\\nx\\ny\\n' | uniq -u",
                "printf 'alice 30 NY\\nbob 25 LA\\ncarol 35 NY\\n' | awk '{n[$3]++; s+=$2} $2>26 {print toupper($1)} "
                        + "END {for (k in n) c++; printf \"%d cities, avg %.1f\\n\", c, s/NR; "
                        + "print split(\"a:b:c\", parts, \":\"), substr(\"hello\", 2, 3), index(\"hello\",\"ll\"), length(\"four\")}'",
                "printf 'one\\ntwo\\nthree\\nfour\\n' | sed -n '2,3p'; printf 'one\\ntwo\\nthree\\n' | sed '1d;s/t\\(..\\)/T\\1/'; "
                        + "echo 'a-b-c' | sed 's/-/+/2'; printf 'l1\\nl2\\nl3\\n' | sed -n '1!G;h;$p'; "
                        + "echo hello | sed 'y/abcdefghij/ABCDEFGHIJ/'",
                "printf 'Apple\\nbanana\\ncherry\\napple pie\\n' | grep -i -n apple; printf 'Apple\\nbanana\\ncherry\\n' | grep -v an; "
                        + "printf 'ab12cd345\\n' | grep -oE '[0-9]+'; printf 'a1\\nb2\\n' | grep -c -E '^[ab][0-9]$'; "
                        + "echo 'hello   world' | tr -s ' '; echo 'hello' | tr -d 'l'; echo 'hello' | tr 'a-y' 'b-z'; "
                        + "echo 'abcdef' | cut -c2-4; echo 'a:b:c:d' | cut -d: -f2,4; printf 'one two\\nthree\\n' | wc; "
                        + "seq 100 | head -n 3 | tail -n 1; seq 10 | tail -n +8; seq 100 | head -c 10 | wc -c; "
                        + "expr substr hello 2 3; expr index hello l; expr 'abc' : 'a\\(.*\\)'; expr 5 \\> 3; expr 10 % 3",
                // files
                tmp + "mkdir -p x/y/z && touch x/y/z/f x/a && cp -r x x2 && find x2 | sort && mv x2 x3 && ln x3/a hard "
                        + "&& stat -c '%h %s %F' hard x3/a && ln -s x3/y sym && ls sym/z && readlink sym "
                        + "&& rm -rf x x3 sym hard && ls -A | wc -l",
                tmp + "seq 1 5000 > s && dd if=s of=part bs=100 skip=2 count=3 2>/dev/null && wc -c < part "
                        + "&& md5sum part | cut -c1-32 && printf 'XYZ' | dd of=s bs=1 seek=5 conv=notrunc 2>/dev/null "
                        + "&& head -c 12 s && echo && md5sum s > sums && md5sum -c sums && gzip -9 -c s > s.gz "
                        + "&& gunzip -c s.gz | sha256sum | cut -c1-16 && sha256sum s | cut -c1-16 && mkdir d && cp s d/ "
                        + "&& echo hi > d/h && tar czf d.tgz d && rm -r d && tar tzf d.tgz | sort && tar xzf d.tgz "
                        + "&& cat d/h && cmp s d/s && echo same",
                // megabytes through pipes, SIGPIPE in a pipeline
                tmp + "dd if=/dev/zero bs=65536 count=160 2>/dev/null | md5sum; seq 1 200000 | sort -rn | head -3; "
                        + "yes abcdefgh | head -c 3000000 | wc -c; (yes; echo \"yes: $?\" > st) | head -1; cat st",
                // jobs: sleep, wait, kill, exit statuses of killed jobs
                "sleep 0.2 & a=$!; (exit 5) & b=$!; wait $b; echo \"b=$?\"; wait $a; echo \"a=$?\"; sleep 10 & c=$!; "
                        + "kill -0 $c && echo alive; kill -9 $c; wait $c; echo \"c=$?\"; sleep 10 & kill -TERM $!; wait $!; "
                        + "echo \"term=$?\"; kill -0 99999 2>/dev/null || echo \"no such\"; (sleep 0.1; echo done-bg) & wait; "
                        + "echo all-waited",
                // commands that cannot be executed: 127 not found, 126 not executable
                tmp + "nonexistent_cmd_xyz 2>/dev/null; echo \"rc=$?\"; /tmp 2>/dev/null; echo \"rc=$?\"; "
                        + "printf 'hi\\n' > notexec; ./notexec 2>/dev/null; echo \"rc=$?\"; ./missing/x 2>/dev/null; echo \"rc=$?\"");
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void sameAsQemu(String script) throws Exception {
        var qemu = GuestHarness.runQemu(busybox, List.of("sh", "-c", script), work, applets.toString());
        var fornax = GuestHarness.runCli(List.of("run", "--cpus", "1", "--", "sh", "-c", script), "busybox sh -c");
        String expected = new String(qemu.stdout(), StandardCharsets.UTF_8);
        String actual = new String(fornax.stdout(), StandardCharsets.UTF_8);
        assertEquals(expected, actual, () -> "stdout differs for: " + script + "\nstderr: "
                + new String(fornax.stderr(), StandardCharsets.UTF_8));
        assertEquals(qemu.status(), fornax.status(), () -> "exit status differs for: " + script);
    }
}
