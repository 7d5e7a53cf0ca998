package fornax.kernel.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.FrameAllocator;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.ProcessTable;
import fornax.kernel.proc.Task;
import fornax.kernel.vfs.TestFs;
import fornax.machine.Machine;
import fornax.machine.cpu.Hart;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tick sampling: who gets charged for a tick, per hart and per task, and the load averages. */
class CpuAccountingTest {
    private final Machine machine = new Machine(new Machine.Config(2, 16L << 20, InputStream.nullInputStream(),
            OutputStream.nullOutputStream(), OutputStream.nullOutputStream()));
    private final FrameAllocator frames = new FrameAllocator(machine.ram());
    private final ProcessTable table = new ProcessTable();
    private final Scheduler scheduler = new Scheduler(new Hart[] {machine.hart(0), machine.hart(1)});
    private final long boot = System.nanoTime();
    private final CpuAccounting cpu = new CpuAccounting(scheduler, table, boot);
    private final TestFs fs = new TestFs();

    @AfterEach
    void tearDown() {
        cpu.stop();
        machine.close();
    }

    private Task task(int asid) {
        Process p = new Process(table.allocatePid(), new AddressSpace(machine.ram(), frames, asid, (va, a) -> { }),
                "/bin/x", fs.context("/"));
        table.add(p, null);
        Task t = new Task(p.pid(), p);
        p.mainTask = t;
        p.addTask(t);   // accounting walks each process's tasks
        table.addTask(t);
        return t;
    }

    @Test
    void aTaskOnAHartIsChargedUserOrSystemByItsMode() {
        Task t = task(1);
        Hart h = scheduler.acquire(t);
        t.inUser = true;
        cpu.tick(3, System.nanoTime());
        t.inUser = false;
        cpu.tick(2, System.nanoTime());
        assertEquals(3, t.userTicks);
        assertEquals(2, t.systemTicks);
        CpuAccounting.HartTimes ht = cpu.hart(h.id());
        assertEquals(3, ht.user());
        assertEquals(2, ht.system());
        assertEquals(0, cpu.hart(1 - h.id()).user() + cpu.hart(1 - h.id()).system(), "the other hart was idle");
        assertEquals(h.id(), t.lastHart);
        assertTrue(CpuAccounting.runnable(t, cpu.snapshot()));
        scheduler.release(t);
    }

    @Test
    void kernelWorkOffTheHartsIsSystemTimeAndBlockedTasksAreNotCharged() throws Exception {
        Task running = task(1), blocked = task(2);
        running.thread = Thread.currentThread();          // runnable: executing this test
        CountDownLatch parked = new CountDownLatch(1), done = new CountDownLatch(1);
        blocked.thread = Thread.ofVirtual().start(() -> {
            parked.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        parked.await();
        while (blocked.thread.getState() == Thread.State.RUNNABLE) Thread.onSpinWait();
        cpu.tick(4, System.nanoTime());
        done.countDown();
        assertEquals(4, running.systemTicks);
        assertEquals(0, running.userTicks);
        assertEquals(0, blocked.systemTicks + blocked.userTicks);
        long charged = cpu.hart(0).system() + cpu.hart(1).system();
        assertEquals(4, charged, "the off-hart kernel time went to one free hart");
        assertFalse(CpuAccounting.runnable(blocked, cpu.snapshot()) && blocked.thread.getState() != Thread.State.RUNNABLE);
    }

    @Test
    void idleIsWhatIsLeftOfTheElapsedTicks() {
        Task t = task(1);
        scheduler.acquire(t);
        t.inUser = true;
        cpu.tick(1, System.nanoTime());
        scheduler.release(t);
        long before = CpuAccounting.ticks(System.nanoTime() - boot);
        var harts = cpu.harts();
        long after = CpuAccounting.ticks(System.nanoTime() - boot);
        for (CpuAccounting.HartTimes h : harts) {
            long sum = h.user() + h.system() + h.idle();
            // idle = elapsed - user - system, never below 0: the sum is the elapsed ticks when read,
            // or the charged ticks if those ran ahead of the clock (a tick charged within 10 ms of boot).
            long busy = h.user() + h.system();
            assertTrue(sum >= Math.max(before, busy) && sum <= Math.max(after, busy), h + " vs " + before + ".." + after);
        }
    }

    @Test
    void loadAveragesFoldEveryFiveSecondsWithLinuxConstants() {
        Task t = task(1);
        scheduler.acquire(t);
        cpu.tick(1, boot + CpuAccounting.LOAD_FREQ_NANOS);   // one period with one running task
        scheduler.release(t);
        long[] l = cpu.loadAverages();
        assertEquals("0.08", CpuAccounting.formatLoad(l[0]), "Linux: 1 task for 5 s gives a 1-minute load of 0.08");
        assertEquals("0.02", CpuAccounting.formatLoad(l[1]));
        assertEquals("0.01", CpuAccounting.formatLoad(l[2]));
        cpu.tick(1, boot + 13 * CpuAccounting.LOAD_FREQ_NANOS);   // 12 idle periods later: decayed
        assertTrue(cpu.loadAverages()[0] < l[0] / 2, "decays while idle");
    }

    @Test
    void theTickerRunsOnlyWhileProcessesLive() throws Exception {
        Task t = task(1);
        scheduler.acquire(t);
        t.inUser = true;
        cpu.processStarted();
        while (t.userTicks == 0) Thread.sleep(5);   // the ticker charges the running task
        cpu.processEnded();
        scheduler.release(t);
        long seen = t.userTicks;
        Thread.sleep(50);
        assertEquals(seen, t.userTicks, "stopped with the last process");
    }
}
