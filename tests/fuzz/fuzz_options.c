/*
 * fuzz_options.c — libFuzzer target for the option languages of `hoshi
 * tab`: --where, --net, --recode, --bands, and the variable names of
 * --side and --head (parsed in src/lib/tab/tab.c and vars.c).  The CLI
 * hands these strings to hoshi_tab_run() in a hoshi_tab_spec unchanged
 * (--head split at commas); so does this target, over the fixed survey of
 * fixture.h, then renders the tables in every format.
 *
 * Input: lines "KIND VALUE", the command line spelled one option a line:
 *   s VAR     --side            w COND    --where (repeatable)
 *   h A,B     --head (repeat.)  n SPEC    --net (repeatable)
 *   b SPEC    --bands           r SPEC    --recode (repeatable)
 *   o         --sort            t N       --top-box (0..250, as the CLI)
 *   f N       render options of fx_tabulate (--lang en, --no-sig, --bom, cp932)
 * Unknown lines are ignored; no head line means --head ALL.
 */
#include <stddef.h>
#include <stdint.h>

#include "fixture.h"

#define MAX_VALUES 64

static hoshi_dataset *survey;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    survey = fx_dataset();
    return 0;
}

typedef struct values {
    const char *v[MAX_VALUES];
    size_t n;
} values;

static void add(values *l, const char *s)
{
    if (l->n < MAX_VALUES)
        l->v[l->n++] = s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    values heads = {{0}, 0}, wheres = {{0}, 0}, nets = {{0}, 0}, recodes = {{0}, 0};
    const char *side = NULL, *bands = NULL;
    bool sort = false;
    long top_box = 2, flags = 0;
    char *line = text;
    while (line != NULL) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        if (line[0] != '\0' && (line[1] == ' ' || line[1] == '\0')) {
            char *v = line[1] ? line + 2 : line + 1;
            switch (line[0]) {
            case 's': side = v; break;
            case 'b': bands = v; break;
            case 'w': add(&wheres, v); break;
            case 'n': add(&nets, v); break;
            case 'r': add(&recodes, v); break;
            case 'o': sort = true; break;
            case 't': if (!hoshi_parse_long(v, 0, 250, &top_box)) top_box = 2; break;
            case 'f': if (!hoshi_parse_long(v, 0, 15, &flags)) flags = 0; break;
            case 'h':
                /* as the CLI's --head: comma-separated, empty parts dropped */
                for (char *p = v; p != NULL;) {
                    char *comma = strchr(p, ',');
                    if (comma != NULL)
                        *comma = '\0';
                    if (*p)
                        add(&heads, p);
                    p = comma ? comma + 1 : NULL;
                }
                break;
            default: break;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (heads.n == 0)
        add(&heads, "ALL");
    hoshi_tab_spec spec = {side, heads.v, heads.n, wheres.v, wheres.n, bands, nets.v, nets.n,
                           recodes.v, recodes.n, sort, (int)top_box};
    fx_tabulate(survey, &spec, (unsigned)flags);
    free(text);
    return 0;
}
