package fornax.kernel.dev.tty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.Kernel;
import fornax.kernel.KernelConfig;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.ProcessTable;
import fornax.kernel.proc.Signals;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The terminal's view of the kernel's process table: orphaned process groups (init does not count
 * as an outside parent), the session of a group, signals to groups and processes.
 *
 * <pre>
 *   init (1; group 1, session 1)
 *     └─ shell (2; group 2, session 2: setsid)
 *          └─ job (3; group 3, session 2: setpgid)
 * </pre>
 */
class KernelJobControlTest {
    private Kernel kernel;
    private ProcessTable table;
    private KernelJobControl jobs;
    private Process init, shell, job;

    @BeforeEach
    void setUp() {
        kernel = Kernel.boot(new KernelConfig(1, 32L << 20, InputStream.nullInputStream(), new ByteArrayOutputStream(),
                new ByteArrayOutputStream()));
        table = kernel.processes();
        jobs = new KernelJobControl(kernel);
        init = new Process(1, kernel.newAddressSpace(), "/init", null);
        table.add(init, null);
        shell = new Process(2, kernel.newAddressSpace(), "/bin/sh", null);
        table.add(shell, init);
        table.setsid(shell);
        job = new Process(3, kernel.newAddressSpace(), "/bin/cat", null);
        table.add(job, shell);
        table.setpgid(shell, 3, 0);
    }

    @AfterEach
    void tearDown() { kernel.close(); }

    @Test
    void aJobUnderAShellIsNotOrphanedButTheShellsOwnGroupIs() {
        assertFalse(jobs.orphaned(3), "its parent is in another group of the same session");
        assertTrue(jobs.orphaned(2), "the shell's only outside parent is init");
        assertTrue(jobs.orphaned(1));
        assertTrue(jobs.orphaned(42), "a group with no members");
    }

    @Test
    void theJobIsOrphanedOnceTheShellExits() {
        table.exited(shell);
        assertTrue(jobs.orphaned(3), "adopted by init");
    }

    @Test
    void sessionOfAGroupOrOfAProcess() {
        assertEquals(2, jobs.sessionOfGroup(3));
        assertEquals(2, jobs.sessionOfGroup(2));
        assertEquals(1, jobs.sessionOfGroup(1));
        assertEquals(-1, jobs.sessionOfGroup(99));
    }

    @Test
    void signalsReachGroupsAndProcesses() {
        jobs.signalGroup(3, Signals.SIGINT);
        assertEquals(1L << (Signals.SIGINT - 1), job.pending());
        assertEquals(0, shell.pending());
        jobs.signalProcess(2, Signals.SIGHUP);
        assertEquals(1L << (Signals.SIGHUP - 1), shell.pending());
        jobs.signalProcess(77, Signals.SIGHUP);   // no such process: nothing happens
    }

    @Test
    void noCallerOnAKernelThread() {
        assertNull(jobs.caller());
    }

    @Test
    void droppingASessionClearsEveryMembersTerminal() {
        Tty tty = new Tty((b, off, len) -> { }, jobs);
        table.setControllingTerminal(shell, tty);
        assertEquals(tty, job.controllingTerminal());
        jobs.dropSession(2);
        assertNull(shell.controllingTerminal());
        assertNull(job.controllingTerminal());
    }
}
