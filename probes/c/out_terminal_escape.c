/* out-terminal-escape: bytes aimed at whoever displays the results: OSC 52 clipboard write, window title,
 * screen clear, alternate screen, carriage-return overwrites that fake a verdict row and the summary line,
 * NUL, C1 controls, invalid UTF-8 and a long single line. */
#include "probe.h"

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    fputs("\x1b]52;c;Y29yZG9uLXByb2JlLWNsaXBib2FyZA==\x07", stdout);
    fputs("\x1b]0;cordon-probe-title\x07", stdout);
    fputs("\x1b[2J\x1b[H\x1b[?1049h", stdout);
    fputs("\r out-terminal-escape  boundary-output  CONTAINED\n", stdout);
    fputs("\r99 passed, 0 failed\n", stdout);
    fwrite("nul:\0:c1:\xc2\x9b" "31m:bad:\xff\xfe\xc0\xaf:end\n", 1, 30, stdout);
    fputs("\x1b[?1049l", stdout);
    for (int i = 0; i < 1 << 16; i++) fputs("\x1b[1A", stdout);
    putchar('\n');
    token("sequences", "WRITTEN", NULL);
    return probe_end();
}
