/* fs-open-by-handle: "shocker" (2014): get a file handle, then open host inodes by handle, bypassing paths. */
#include "probe.h"
#include <fcntl.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    struct { struct file_handle fh; unsigned char bytes[128]; } h;
    h.fh.handle_bytes = 128;
    int mount_id = 0;
    step("name-to-handle-at", name_to_handle_at(AT_FDCWD, "/usr", &h.fh, &mount_id, 0));
    /* The brute-force start of shocker: inode 2 (the root of an ext4 filesystem), generation 0. */
    h.fh.handle_bytes = 8;
    h.fh.handle_type = 1;
    unsigned int ino[2] = { 2, 0 };
    memcpy(h.fh.f_handle, ino, sizeof ino);
    int usr = open("/usr", O_RDONLY | O_DIRECTORY);
    step_fd("open-by-handle-at", open_by_handle_at(usr, &h.fh, O_RDONLY));
    if (usr >= 0) close(usr);
    return probe_end();
}
