// The generator plugins' output, drawn through the real host loader: the
// gaussian generator must match the old seeder's shape on 600,000 taps.
#include <loadseed/core/instances.hpp>
#include <loadseed/core/options.hpp>
#include <loadseed/core/plugin_loader.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace loadseed::core;

namespace {

struct Draw {
    std::vector<ls_tap_sample> samples;
};

// Draws `total` taps of event 0 in batches of 10,000, as the host does.
std::vector<ls_tap_sample> draw(const std::string& plugin_file, std::map<std::string, std::string> options,
                                uint64_t total, uint64_t seed = 42) {
    Plugin plugin;
    std::string reason;
    REQUIRE(load_plugin_file(std::string(LOADSEED_PLUGIN_DIR) + "/" + plugin_file, plugin, reason));
    Console console(Console::Verbosity::quiet);
    GeneratorHandle generator(plugin, resolve_options(plugin, options), console);

    const double weights[] = {1.0 / 9, 6.0 / 9, 2.0 / 9};
    std::vector<ls_tap_sample> samples(total);
    for (uint64_t first = 0; first < total; first += 10000) {
        ls_tap_request request{};
        request.struct_size = sizeof request;
        request.seed = seed;
        request.first_index = first;
        request.count = std::min<uint64_t>(10000, total - first);
        request.total = total;
        request.band_count = 200000;
        request.mode_weights = weights;
        request.mode_count = 3;
        request.sample_size = sizeof(ls_tap_sample);
        generator.generate(request, samples.data() + first);
    }
    return samples;
}

struct Moments {
    double mean = 0, stddev = 0;
    double mode_share[3] = {0, 0, 0};
    uint64_t on_edges = 0;
};

Moments measure(const std::vector<ls_tap_sample>& samples) {
    Moments m;
    double sum = 0, squares = 0;
    for (const auto& s : samples) {
        sum += s.position;
        squares += s.position * s.position;
        m.mode_share[s.mode] += 1;
        m.on_edges += s.position == 0.0 || s.position == 1.0;
    }
    double n = static_cast<double>(samples.size());
    m.mean = sum / n;
    m.stddev = std::sqrt(squares / n - m.mean * m.mean);
    for (double& share : m.mode_share) share /= n;
    return m;
}

}  // namespace

TEST_CASE("gaussian taps match the old seeder's shape", "[generators]") {
    for (const char* order : {"time", "random"}) {
        INFO("order " << order);
        auto samples = draw("gaussian.so", {{"order", order}}, 600000);
        Moments m = measure(samples);
        CHECK(std::abs(m.mean - 0.5) <= 0.0025);              // within 0.5% of the centre
        CHECK(std::abs(m.stddev - 1.0 / 6) <= 0.01 / 6);      // within 1% of 1/6
        CHECK(std::abs(m.mode_share[0] - 1.0 / 9) <= 0.005);  // within 0.5 percentage points
        CHECK(std::abs(m.mode_share[1] - 6.0 / 9) <= 0.005);
        CHECK(std::abs(m.mode_share[2] - 2.0 / 9) <= 0.005);
        // Clipping at 3 standard deviations puts about 0.27% on the edges.
        CHECK(m.on_edges > 600000 * 0.0020);
        CHECK(m.on_edges < 600000 * 0.0035);
        for (const auto& s : samples) {
            REQUIRE(s.band_number >= 1);
            REQUIRE(s.band_number <= 200000);
        }
    }
}

TEST_CASE("time order gives rising tap times", "[generators]") {
    auto samples = draw("gaussian.so", {}, 100000);
    for (size_t i = 1; i < samples.size(); ++i) REQUIRE(samples[i].position >= samples[i - 1].position);
}

TEST_CASE("redraw keeps every tap strictly inside the window", "[generators]") {
    auto samples = draw("gaussian.so", {{"outside", "redraw"}, {"stddev", "0.5"}}, 200000);
    Moments m = measure(samples);
    CHECK(m.on_edges == 0);
    CHECK(std::abs(m.mean - 0.5) <= 0.0025);
}

TEST_CASE("uniform taps spread evenly", "[generators]") {
    auto samples = draw("uniform.so", {{"order", "random"}}, 600000);
    Moments m = measure(samples);
    CHECK(std::abs(m.mean - 0.5) <= 0.0025);
    CHECK(std::abs(m.stddev - std::sqrt(1.0 / 12)) <= 0.01 * std::sqrt(1.0 / 12));
    CHECK(std::abs(m.mode_share[1] - 6.0 / 9) <= 0.005);
}

TEST_CASE("a tap depends only on seed and index", "[generators]") {
    auto whole = draw("gaussian.so", {{"order", "random"}}, 50000, 9);
    auto again = draw("gaussian.so", {{"order", "random"}}, 50000, 9);
    auto other = draw("gaussian.so", {{"order", "random"}}, 50000, 10);
    size_t differ = 0;
    for (size_t i = 0; i < whole.size(); ++i) {
        REQUIRE(whole[i].position == again[i].position);
        REQUIRE(whole[i].band_number == again[i].band_number);
        differ += whole[i].band_number != other[i].band_number;
    }
    CHECK(differ > 49000);
}
