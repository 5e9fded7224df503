// Tap times from a normal distribution over the tap window. The defaults are the
// old TypeScript seeder's: mean 0.5 and standard deviation 1/6 of the window,
// with samples outside the window clipped to its edges, so about 0.27% of taps
// land exactly on the two edges.
#include <loadseed/random.hpp>
#include <loadseed/sdk.hpp>
#include <loadseed/taps.hpp>

#include <array>
#include <cmath>

namespace {

const std::array<ls_option_spec, 4> options = {{
    {"mean", LS_OPTION_DOUBLE, "0.5", "centre of the distribution, as a fraction of the tap window",
     nullptr, 0},
    {"stddev", LS_OPTION_DOUBLE, "0.16666666666666666",
     "standard deviation, as a fraction of the tap window", nullptr, 0},
    {"outside", LS_OPTION_STRING, "clip",
     "clip: samples outside the window land on its edge; redraw: sample the normal truncated to "
     "the window",
     nullptr, 0},
    loadseed::order_option,
}};

class GaussianGenerator : public loadseed::Generator {
public:
    explicit GaussianGenerator(const loadseed::Host& host)
        : Generator(host),
          mean_(host.double_option("mean", 0.5)),
          stddev_(host.double_option("stddev", 1.0 / 6.0)),
          order_(loadseed::parse_tap_order(host.option_or("order", "time"))) {
        std::string outside = host.option_or("outside", "clip");
        if (outside != "clip" && outside != "redraw")
            throw loadseed::Error("option 'outside' must be 'clip' or 'redraw', not '" + outside + "'",
                                  LS_INVALID_ARGUMENT);
        redraw_ = outside == "redraw";
        if (!(stddev_ > 0))
            throw loadseed::Error("option 'stddev' must be greater than 0", LS_INVALID_ARGUMENT);

        // Truncation maps u in (0, 1) onto the part of the CDF inside the window,
        // which samples the truncated normal exactly, without a rejection loop.
        cdf_low_ = loadseed::normal_cdf((0.0 - mean_) / stddev_);
        cdf_high_ = loadseed::normal_cdf((1.0 - mean_) / stddev_);
        if (redraw_ && !(cdf_high_ > cdf_low_))
            throw loadseed::Error("the distribution has no mass inside the window; move 'mean' "
                                  "towards 0.5 or raise 'stddev'",
                                  LS_INVALID_ARGUMENT);
    }

    void generate(const ls_tap_request& request, ls_tap_sample* samples) override {
        for (uint64_t i = 0; i < request.count; ++i) {
            double u = loadseed::tap_probability(request, order_, request.first_index + i);
            if (redraw_) u = cdf_low_ + u * (cdf_high_ - cdf_low_);
            double position = mean_ + stddev_ * loadseed::normal_quantile(u);
            samples[i].position = std::clamp(position, 0.0, 1.0);
        }
        loadseed::draw_bands_and_modes(request, samples);
    }

private:
    double mean_;
    double stddev_;
    loadseed::TapOrder order_;
    bool redraw_ = false;
    double cdf_low_ = 0;
    double cdf_high_ = 1;
};

}  // namespace

LOADSEED_GENERATOR_PLUGIN(GaussianGenerator, "gaussian", "1.0.0",
                          "Tap times from a normal distribution over the tap window, by default centred with a "
                          "standard deviation of 1/6 of the window",
                          options)
