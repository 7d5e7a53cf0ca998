/**
 * Program loading: {@link fornax.kernel.exec.ElfImage} validates an ELF completely before anything
 * is mapped; {@link fornax.kernel.exec.ProgramLoader} maps segments and builds the Linux initial
 * stack (argv, envp, auxv). No shared state, no locks.
 */
package fornax.kernel.exec;
