/**
 * Open files and stat records. The VFS proper (paths, mounts, namespaces, the 9P-shaped file
 * server interface) grows here; for now an open file is the console.
 */
package fornax.kernel.vfs;
