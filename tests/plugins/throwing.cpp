// A sink whose write_batch throws a non-loadseed exception; the SDK's
// trampoline must contain it and the host must report it as that sink's error.
#include <loadseed/sdk.hpp>

#include <stdexcept>

namespace {

class ThrowingSink : public loadseed::Sink {
public:
    using Sink::Sink;
    ls_status begin_stage(const ls_stage&) override { return LS_OK; }
    void write_batch(const ls_batch&) override { throw std::out_of_range("boom from a plugin"); }
};

}  // namespace

LOADSEED_SINK_PLUGIN(ThrowingSink, "throwing", "1.0.0", "throws from write_batch", loadseed::no_options)
