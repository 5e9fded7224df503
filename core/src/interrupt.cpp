#include <loadseed/core/interrupt.hpp>

#include <csignal>

namespace loadseed::core {

namespace {

volatile std::sig_atomic_t received = 0;

extern "C" void on_interrupt(int signal) {
    received = signal;
    // The next signal of either kind ends the process the default way.
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

void install_interrupt_handlers() {
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
}

int interrupt_signal() { return received; }

}  // namespace loadseed::core
