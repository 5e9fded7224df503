/* A shared library without the loadseed entry symbol. */
#include <loadseed/plugin.h>

LOADSEED_EXPORT int some_other_library_function(void) { return 42; }
