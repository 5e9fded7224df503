/* One entry of an ABI layout table: a member's offset and size, or a
 * constant's value (in `offset`, with size 0). */
#ifndef LOADSEED_TEST_ABI_LAYOUT_H
#define LOADSEED_TEST_ABI_LAYOUT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct abi_layout_entry {
    const char *name;
    size_t offset;
    size_t size;
} abi_layout_entry;

extern const abi_layout_entry abi_layout_frozen_1_0[];
extern const abi_layout_entry abi_layout_current[];

#ifdef __cplusplus
}
#endif

#endif
