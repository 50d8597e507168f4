/*
 * fuzz_options.c — libFuzzer target for the option languages of `hoshi
 * tab`: --where, --net, --recode, --bands, --top-box and the variable
 * names of --side and --head.  The CLI parses them into a typed
 * hoshi_tab_spec with src/cli/tab_options.c (included below) and hands
 * that to hoshi_tab_run(); so does this target, over the fixed survey of
 * fixture.h, then renders the tables in every format.  Text the parser
 * refuses never reaches the engine, as on the command line.
 *
 * Input: lines "KIND VALUE", the command line spelled one option a line:
 *   s VAR     --side (repeat.)  w COND    --where (repeatable)
 *   c KINDS   --cells
 *   h A,B     --head (repeat.)  n SPEC    --net (repeatable)
 *   b SPEC    --bands           r SPEC    --recode (repeatable)
 *   o         --sort            t N       --top-box (0..250, as the CLI)
 *   f N       render options of fx_tabulate (--lang en, --no-sig, --bom, cp932)
 * Unknown lines are ignored; no head line means --head ALL.
 */
#include <stddef.h>
#include <stdint.h>

#include "fixture.h"
#include "../../src/cli/tab_options.c"

static hoshi_dataset *survey;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    survey = fx_dataset();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    tab_opts o;
    tab_opts_init(&o);
    long flags = 0;
    int rc = TAB_OPT_OK;
    char *line = text;
    while (line != NULL && rc == TAB_OPT_OK) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        if (line[0] != '\0' && (line[1] == ' ' || line[1] == '\0')) {
            char *v = line[1] ? line + 2 : line + 1;
            switch (line[0]) {
            case 's': rc = tab_opts_side(&o, v); break;
            case 'b': rc = tab_opts_bands(&o, v); break;
            case 'w': rc = tab_opts_where(&o, v); break;
            case 'n': rc = tab_opts_net(&o, v, false); break;
            case 'r': rc = tab_opts_net(&o, v, true); break;
            case 'h': rc = tab_opts_head(&o, v); break;
            case 'o': o.sort = true; break;
            case 't': rc = tab_opts_top_box(&o, v); break;
            case 'c': rc = tab_opts_cells(&o, v); break;
            case 'f': if (!hoshi_parse_long(v, 0, 15, &flags)) flags = 0; break;
            default: break;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (rc == TAB_OPT_OK && o.n_heads == 0)
        rc = tab_opts_head(&o, "ALL");
    if (rc == TAB_OPT_OK) {
        hoshi_tab_spec spec = tab_opts_spec(&o);
        fx_tabulate(survey, &spec, (unsigned)flags);
    }
    tab_opts_free(&o);
    free(text);
    return 0;
}
