/**
 * Harts: the RV64IMAFDC + Zicsr + Zifencei user-mode CPU.
 *
 * <pre>
 *   CodeCache (per physical page, shared) ── decoded ops ──► Hart.run() interpreter loop
 *        │                                                     │  hot entry points
 *        └── CodePage.blocks ◄── BlockCompiler (JVM bytecode, hidden classes) ◄┘
 *   Mmu (per hart): Sv39/Sv48 walk, per-ASID read/write/fetch TLBs
 *   Fpu (per hart): IEEE 754 with the five RISC-V rounding modes and fflags
 * </pre>
 *
 * <p>Invariants: a decoded page is immutable once published and is dropped only by FENCE.I or a
 * kernel-side write to its frame; a TLB entry exists only for an access that the page tables
 * allowed and whose A/D bits are set; translated regions never cross a page and make traps
 * precise (pc and registers as of the trapping instruction).
 *
 * <p>Locking: a hart's state belongs to the one thread running it; cross-thread requests
 * (interrupts, timer) use atomics. Decoded pages and translated regions are published by CAS or
 * by racy-but-safe writes of immutable objects.
 */
package fornax.machine.cpu;
