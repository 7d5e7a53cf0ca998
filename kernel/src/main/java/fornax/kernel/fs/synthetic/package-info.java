/**
 * Small synthetic file trees whose files are behaviour rather than data (Plan 9's devcons, the
 * supervisor's /dev/sup): {@link fornax.kernel.fs.synthetic.SyntheticFs} serves a fixed tree of
 * directories and files, each open of a file being a handle of its own;
 * {@link fornax.kernel.fs.synthetic.ConsFs} is the console as a file server (cons, consctl).
 *
 * <p>Invariants: the trees cannot be changed through the file interface (EPERM); qid paths are
 * unique per tree. Locks: none of their own beyond what the files use.
 */
package fornax.kernel.fs.synthetic;
