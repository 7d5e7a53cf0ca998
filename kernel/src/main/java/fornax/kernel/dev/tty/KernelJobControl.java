package fornax.kernel.dev.tty;

import fornax.kernel.Kernel;
import fornax.kernel.proc.ControllingTerminal;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.ProcessTable;
import fornax.kernel.proc.Task;
import java.util.List;

/**
 * {@link JobControl} over the kernel's process table: the caller is the task the current thread
 * runs ({@link Kernel#currentTask()}); signals go through {@link Kernel#signalGroup} and
 * {@link Kernel#sendSignal} with sender 0 (the kernel).
 */
public final class KernelJobControl implements JobControl {
    private final Kernel kernel;

    public KernelJobControl(Kernel kernel) {
        this.kernel = kernel;
    }

    @Override public Caller caller() {
        Task t = Kernel.currentTask();
        return t == null ? null : new TaskCaller(t, kernel.processes());
    }

    @Override public void signalGroup(int pgid, int sig) { kernel.signalGroup(pgid, sig, 0); }

    @Override public void signalProcess(int pid, int sig) {
        Process p = kernel.processes().get(pid);
        if (p != null && !p.hasExited()) kernel.sendSignal(p, sig, 0);
    }

    @Override public int sessionOfGroup(int pgid) {
        List<Process> members = kernel.processes().group(pgid);
        if (!members.isEmpty()) return members.getFirst().sid();
        Process p = kernel.processes().get(pgid);
        return p == null || p.hasExited() ? -1 : p.sid();
    }

    @Override public boolean orphaned(int pgid) { return kernel.processes().isOrphanedGroup(pgid); }

    @Override public void dropSession(int sid) { kernel.processes().dropControllingTerminal(sid); }

    /** The calling task's process, read live (its group can change between calls). */
    private record TaskCaller(Task task, ProcessTable table) implements Caller {
        @Override public int pid() { return task.process().pid(); }
        @Override public int pgid() { return task.process().pgid(); }
        @Override public int sid() { return task.process().sid(); }
        @Override public ControllingTerminal terminal() { return task.process().controllingTerminal(); }

        @Override public boolean ignoresOrBlocks(int sig) {
            return task.process().handler(sig) == 1 || (task.signalMask & 1L << (sig - 1)) != 0;
        }

        @Override public void setTerminal(ControllingTerminal terminal) {
            table.setControllingTerminal(task.process(), terminal);
        }

        @Override public void dropTerminal() { table.clearControllingTerminal(task.process()); }
    }
}
