// Ctrl-C and SIGTERM during a run: the first one asks the pipeline to stop
// between batches, so every sink abandons its work (transactions roll back,
// staging folders go); a second one ends the process at once.
#pragma once

namespace loadseed::core {

void install_interrupt_handlers();

// The signal number received, or 0.
int interrupt_signal();

}  // namespace loadseed::core
