// Tap times spread evenly over the tap window.
#include <loadseed/sdk.hpp>
#include <loadseed/taps.hpp>

#include <array>

namespace {

const std::array<ls_option_spec, 1> options = {{loadseed::order_option}};

class UniformGenerator : public loadseed::Generator {
public:
    explicit UniformGenerator(const loadseed::Host& host)
        : Generator(host), order_(loadseed::parse_tap_order(host.option_or("order", "time"))) {}

    void generate(const ls_tap_request& request, ls_tap_sample* samples) override {
        for (uint64_t i = 0; i < request.count; ++i)
            samples[i].position = loadseed::tap_probability(request, order_, request.first_index + i);
        loadseed::draw_bands_and_modes(request, samples);
    }

private:
    loadseed::TapOrder order_;
};

}  // namespace

LOADSEED_GENERATOR_PLUGIN(UniformGenerator, "uniform", "1.0.0",
                          "Tap times spread evenly over the tap window", options)
