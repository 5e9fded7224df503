// Runs the real loadseed-kv-emulator binary as a child process and checks it
// over HTTP with libcurl.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

const std::string test_token = "test-token-not-secret";
const std::string account_id = "loadtest-account";
const std::string namespace_id = "loadtest-namespace";

std::string emulator_path() {
  if (const char* path = std::getenv("LOADSEED_KV_EMULATOR")) return path;
  return LOADSEED_KV_EMULATOR_PATH;
}

// The emulator as a child process. The constructor returns once the emulator
// has printed its "listening on 127.0.0.1:PORT" line.
class EmulatorProcess {
 public:
  explicit EmulatorProcess(std::vector<std::string> extra_arguments = {}) {
    std::vector<std::string> arguments = {emulator_path(), "--token", test_token};
    arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());

    int stdout_pipe[2];
    if (pipe(stdout_pipe) != 0) throw std::runtime_error("pipe() failed");

    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork() failed");
    if (pid_ == 0) {
      dup2(stdout_pipe[1], STDOUT_FILENO);
      close(stdout_pipe[0]);
      close(stdout_pipe[1]);
      std::vector<char*> argv;
      for (auto& argument : arguments) argv.push_back(argument.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }

    close(stdout_pipe[1]);
    stdout_fd_ = stdout_pipe[0];
    port_ = read_port_line();
  }

  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  ~EmulatorProcess() {
    if (pid_ > 0) stop();
    if (stdout_fd_ >= 0) close(stdout_fd_);
  }

  // Sends SIGTERM and returns the exit status, or -1 when the emulator did not
  // exit normally within 10 seconds.
  int stop() {
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::string namespace_url() const {
    return base_url() + "/client/v4/accounts/" + account_id + "/storage/kv/namespaces/" +
           namespace_id;
  }

 private:
  int read_port_line() {
    const std::string expected_prefix = "listening on 127.0.0.1:";
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);

    while (line.find('\n') == std::string::npos) {
      auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd readable{stdout_fd_, POLLIN, 0};
      if (remaining.count() <= 0 || poll(&readable, 1, static_cast<int>(remaining.count())) <= 0) {
        throw std::runtime_error("emulator " + emulator_path() +
                                 " printed no port line within 10 s");
      }
      char buffer[256];
      auto count = read(stdout_fd_, buffer, sizeof buffer);
      if (count <= 0) {
        throw std::runtime_error("emulator " + emulator_path() +
                                 " exited before printing its port line; see its error on stderr above");
      }
      line.append(buffer, static_cast<std::size_t>(count));
    }

    line.resize(line.find('\n'));
    if (line.rfind(expected_prefix, 0) != 0) {
      throw std::runtime_error("unexpected first line from the emulator: " + line);
    }
    return std::stoi(line.substr(expected_prefix.size()));
  }

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
};

struct HttpResponse {
  CURLcode curl_code = CURLE_OK;
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case

  json envelope() const { return json::parse(body); }
};

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

std::size_t store_header(char* data, std::size_t size, std::size_t count, void* target) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r\n ") + 1);
    (*static_cast<std::map<std::string, std::string>*>(target))[name] = value;
  }
  return size * count;
}

HttpResponse send_request(const std::string& method, const std::string& url,
                          const std::string* body = nullptr,
                          const std::string& token = test_token) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  HttpResponse response;

  curl_slist* headers = nullptr;
  auto authorization = "Authorization: Bearer " + token;
  headers = curl_slist_append(headers, authorization.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");

  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, store_header);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &response.headers);
  if (body) {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(body->size()));
  }

  response.curl_code = curl_easy_perform(curl.get());
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  return response;
}

HttpResponse send_json(const std::string& method, const std::string& url, const json& body,
                       const std::string& token = test_token) {
  auto text = body.dump();
  return send_request(method, url, &text, token);
}

std::string key_url(const EmulatorProcess& emulator, const std::string& key) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  char* escaped = curl_easy_escape(curl.get(), key.data(), static_cast<int>(key.size()));
  std::string url = emulator.namespace_url() + "/values/" + escaped;
  curl_free(escaped);
  return url;
}

json make_pairs(const std::string& key_prefix, std::size_t count) {
  auto pairs = json::array();
  for (std::size_t i = 0; i < count; ++i) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%05zu", i);
    pairs.push_back({{"key", key_prefix + suffix}, {"value", "value-" + std::string(suffix)}});
  }
  return pairs;
}

json read_stats(const EmulatorProcess& emulator) {
  auto response = send_request("GET", emulator.base_url() + "/__emulator/stats");
  REQUIRE(response.status == 200);
  return json::parse(response.body);
}

std::vector<std::string> list_all_keys(const EmulatorProcess& emulator, const std::string& prefix,
                                       int limit, int& pages) {
  std::vector<std::string> names;
  std::string cursor;
  pages = 0;
  do {
    auto url = emulator.namespace_url() + "/keys?prefix=" + prefix +
               "&limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor);
    auto response = send_request("GET", url);
    REQUIRE(response.status == 200);
    auto envelope = response.envelope();
    REQUIRE(envelope["success"] == true);

    for (const auto& key : envelope["result"]) names.push_back(key["name"]);
    CHECK(envelope["result_info"]["count"] == envelope["result"].size());
    cursor = envelope["result_info"]["cursor"];
    ++pages;
    REQUIRE(pages < 100);
  } while (!cursor.empty());
  return names;
}

int first_error_code(const HttpResponse& response) {
  auto envelope = response.envelope();
  REQUIRE(envelope["success"] == false);
  REQUIRE(envelope["errors"].size() == 1);
  return envelope["errors"][0]["code"];
}

std::filesystem::path temporary_file(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         (name + "-" + std::to_string(getpid()) + ".json");
}

}  // namespace

TEST_CASE("paged list returns exactly the written keys") {
  EmulatorProcess emulator;
  auto bands = make_pairs("band/", 25);
  auto others = make_pairs("other/", 5);

  auto written = send_json("PUT", emulator.namespace_url() + "/bulk", bands);
  REQUIRE(written.status == 200);
  CHECK(written.envelope()["result"]["successful_key_count"] == 25);
  CHECK(written.envelope()["result"]["unsuccessful_keys"].empty());
  REQUIRE(send_json("PUT", emulator.namespace_url() + "/bulk", others).status == 200);

  int pages = 0;
  auto names = list_all_keys(emulator, "band/", 10, pages);

  std::vector<std::string> expected;
  for (const auto& pair : bands) expected.push_back(pair["key"]);
  CHECK(names == expected);
  CHECK(pages == 3);
  CHECK(read_stats(emulator)["keys"] == 30);
}

TEST_CASE("list rejects limit below 10") {
  EmulatorProcess emulator;
  auto response = send_request("GET", emulator.namespace_url() + "/keys?limit=9");
  CHECK(response.status == 400);
  CHECK(first_error_code(response) == 10010);
}

TEST_CASE("read one value") {
  EmulatorProcess emulator;
  json pairs = json::array({{{"key", "band/with slash?"}, {"value", "tap-window-7"}}});
  REQUIRE(send_json("PUT", emulator.namespace_url() + "/bulk", pairs).status == 200);

  auto found = send_request("GET", key_url(emulator, "band/with slash?"));
  CHECK(found.status == 200);
  CHECK(found.body == "tap-window-7");

  auto missing = send_request("GET", key_url(emulator, "band/missing"));
  CHECK(missing.status == 404);
  CHECK(first_error_code(missing) == 10009);
}

TEST_CASE("write one value with ttl") {
  EmulatorProcess emulator;
  std::string value = "raw bytes";
  auto written =
      send_request("PUT", key_url(emulator, "band/1") + "?expiration_ttl=120", &value);
  REQUIRE(written.status == 200);
  CHECK(written.envelope()["success"] == true);

  CHECK(send_request("GET", key_url(emulator, "band/1")).body == "raw bytes");

  auto listed = send_request("GET", emulator.namespace_url() + "/keys");
  auto expiration = listed.envelope()["result"][0]["expiration"].get<std::int64_t>();
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  CHECK(expiration >= now + 110);
  CHECK(expiration <= now + 130);
}

TEST_CASE("bulk delete in both forms") {
  EmulatorProcess emulator;
  REQUIRE(send_json("PUT", emulator.namespace_url() + "/bulk", make_pairs("band/", 4)).status ==
          200);

  auto posted = send_json("POST", emulator.namespace_url() + "/bulk/delete",
                          json::array({"band/00000", "band/00001"}));
  CHECK(posted.status == 200);
  CHECK(posted.envelope()["result"]["successful_key_count"] == 2);

  auto deprecated = send_json("DELETE", emulator.namespace_url() + "/bulk",
                              json::array({"band/00002"}));
  CHECK(deprecated.status == 200);
  CHECK(deprecated.envelope()["result"]["successful_key_count"] == 1);

  int pages = 0;
  CHECK(list_all_keys(emulator, "band/", 1000, pages) == std::vector<std::string>{"band/00003"});
  CHECK(read_stats(emulator)["bulk_deletes"] == 2);
}

TEST_CASE("concurrent bulk writes all stored") {
  EmulatorProcess emulator;
  constexpr int writers = 4;
  constexpr int requests_per_writer = 5;

  std::vector<std::thread> threads;
  std::vector<int> failures(writers, 0);
  for (int writer = 0; writer < writers; ++writer) {
    threads.emplace_back([&, writer] {
      for (int request = 0; request < requests_per_writer; ++request) {
        auto prefix = "band/" + std::to_string(writer) + "/" + std::to_string(request) + "/";
        auto response = send_json("PUT", emulator.namespace_url() + "/bulk", make_pairs(prefix, 500));
        if (response.status != 200) ++failures[writer];
      }
    });
  }
  for (auto& thread : threads) thread.join();

  CHECK(failures == std::vector<int>(writers, 0));
  auto stats = read_stats(emulator);
  CHECK(stats["keys"] == writers * requests_per_writer * 500);
  CHECK(stats["bulk_writes"] == writers * requests_per_writer);
}

TEST_CASE("bulk write of 10,001 pairs rejected") {
  EmulatorProcess emulator;
  auto response = send_json("PUT", emulator.namespace_url() + "/bulk", make_pairs("band/", 10'001));

  CHECK(response.status == 400);
  CHECK(first_error_code(response) == 10002);

  auto stats = read_stats(emulator);
  CHECK(stats["keys"] == 0);
  CHECK(stats["bulk_writes"] == 0);
  CHECK(stats["rejected"] == 1);
  CHECK(stats["max_pairs_in_request"] == 10'001);
}

TEST_CASE("bulk write of 10,000 pairs accepted") {
  EmulatorProcess emulator;
  auto response = send_json("PUT", emulator.namespace_url() + "/bulk", make_pairs("band/", 10'000));

  CHECK(response.status == 200);
  CHECK(response.envelope()["result"]["successful_key_count"] == 10'000);
  CHECK(read_stats(emulator)["keys"] == 10'000);
}

TEST_CASE("body over 100 MB gets 413") {
  EmulatorProcess emulator;
  const std::size_t body_bytes = 100'000'001;
  std::string head = R"([{"key":"band/big","value":")";
  std::string tail = R"("}])";
  std::string body = head + std::string(body_bytes - head.size() - tail.size(), 'x') + tail;
  REQUIRE(body.size() == body_bytes);

  auto response = send_request("PUT", emulator.namespace_url() + "/bulk", &body);

  CHECK(response.curl_code == CURLE_OK);
  CHECK(response.status == 413);
  CHECK(first_error_code(response) == 10003);
  auto stats = read_stats(emulator);
  CHECK(stats["keys"] == 0);
  CHECK(stats["max_body_bytes"] == body_bytes);
}

TEST_CASE("key limits enforced") {
  EmulatorProcess emulator;
  auto write_key = [&](const std::string& key) {
    json pairs = json::array({{{"key", key}, {"value", "v"}}});
    return send_json("PUT", emulator.namespace_url() + "/bulk", pairs);
  };

  auto too_long = write_key(std::string(513, 'k'));
  CHECK(too_long.status == 400);
  CHECK(first_error_code(too_long) == 10004);

  auto dot = write_key(".");
  CHECK(dot.status == 400);
  CHECK(first_error_code(dot) == 10004);

  auto dot_dot = write_key("..");
  CHECK(dot_dot.status == 400);

  auto empty = write_key("");
  CHECK(empty.status == 400);

  CHECK(read_stats(emulator)["keys"] == 0);
  CHECK(write_key(std::string(512, 'k')).status == 200);
  CHECK(read_stats(emulator)["keys"] == 1);
}

TEST_CASE("expiration limits enforced") {
  EmulatorProcess emulator;
  auto write_pair = [&](json pair) {
    pair["key"] = "band/1";
    pair["value"] = "v";
    return send_json("PUT", emulator.namespace_url() + "/bulk", json::array({pair}));
  };
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();

  auto ttl_59 = write_pair({{"expiration_ttl", 59}});
  CHECK(ttl_59.status == 400);
  CHECK(first_error_code(ttl_59) == 10006);

  auto expiration_too_soon = write_pair({{"expiration", now + 30}});
  CHECK(expiration_too_soon.status == 400);
  CHECK(first_error_code(expiration_too_soon) == 10007);

  CHECK(read_stats(emulator)["keys"] == 0);
  CHECK(write_pair({{"expiration_ttl", 60}}).status == 200);
  CHECK(write_pair({{"expiration", now + 3600}}).status == 200);
}

TEST_CASE("bad token gets 401 despite faults") {
  EmulatorProcess emulator({"--fail-429", "1"});

  auto wrong = send_request("GET", emulator.namespace_url() + "/keys", nullptr, "wrong-token");
  CHECK(wrong.status == 401);
  CHECK(first_error_code(wrong) == 10000);
  CHECK(wrong.body.find(test_token) == std::string::npos);
}

TEST_CASE("unknown namespace id gets 404") {
  EmulatorProcess emulator({"--account-id", account_id, "--namespace-id", namespace_id});

  auto known = send_request("GET", emulator.namespace_url() + "/keys");
  CHECK(known.status == 200);

  auto unknown = send_request("GET", emulator.base_url() + "/client/v4/accounts/" + account_id +
                                         "/storage/kv/namespaces/other-namespace/keys");
  CHECK(unknown.status == 404);
  CHECK(first_error_code(unknown) == 10011);
}

TEST_CASE("fail-429 sends 429 with Retry-After") {
  EmulatorProcess emulator({"--fail-429", "1", "--retry-after", "3"});

  auto limited = send_json("PUT", emulator.namespace_url() + "/bulk", make_pairs("band/", 3));
  CHECK(limited.status == 429);
  CHECK(limited.headers["retry-after"] == "3");
  CHECK(first_error_code(limited) == 10013);
  CHECK(read_stats(emulator)["keys"] == 0);

  json no_faults = {{"fail_429", 0}};
  REQUIRE(send_json("POST", emulator.base_url() + "/__emulator/faults", no_faults).status == 200);
  CHECK(send_json("PUT", emulator.namespace_url() + "/bulk", make_pairs("band/", 3)).status ==
        200);

  auto stats = read_stats(emulator);
  CHECK(stats["keys"] == 3);
  CHECK(stats["requests_by_status"]["429"] == 1);
  CHECK(stats["requests_by_status"]["200"] == 1);
}

TEST_CASE("fail-all fails every request") {
  EmulatorProcess emulator({"--fail-all"});

  for (int attempt = 0; attempt < 5; ++attempt) {
    auto response = send_json("PUT", emulator.namespace_url() + "/bulk", make_pairs("band/", 1));
    CHECK(response.status == 500);
  }
  CHECK(read_stats(emulator)["keys"] == 0);
}

TEST_CASE("drop cuts the response") {
  EmulatorProcess emulator({"--drop", "1"});

  auto response = send_json("PUT", emulator.namespace_url() + "/bulk", make_pairs("band/", 3));
  CHECK(response.curl_code != CURLE_OK);

  auto stats = read_stats(emulator);
  CHECK(stats["keys"] == 0);
  CHECK(stats["dropped"] == 1);
}

TEST_CASE("unsuccessful keys reported, not stored") {
  EmulatorProcess emulator({"--unsuccessful", "1"});
  auto pairs = make_pairs("band/", 5);

  auto response = send_json("PUT", emulator.namespace_url() + "/bulk", pairs);
  REQUIRE(response.status == 200);
  auto result = response.envelope()["result"];
  CHECK(result["successful_key_count"] == 0);

  std::vector<std::string> expected;
  for (const auto& pair : pairs) expected.push_back(pair["key"]);
  CHECK(result["unsuccessful_keys"].get<std::vector<std::string>>() == expected);
  CHECK(read_stats(emulator)["keys"] == 0);
}

TEST_CASE("reset clears keys and stats") {
  EmulatorProcess emulator;
  REQUIRE(send_json("PUT", emulator.namespace_url() + "/bulk", make_pairs("band/", 3)).status ==
          200);

  CHECK(send_request("POST", emulator.base_url() + "/__emulator/reset").status == 200);

  auto stats = read_stats(emulator);
  CHECK(stats["keys"] == 0);
  CHECK(stats["requests"] == 0);
  CHECK(stats["max_pairs_in_request"] == 0);
}

TEST_CASE("dump on SIGTERM writes keys") {
  auto dump_path = temporary_file("kv-emulator-dump");
  std::filesystem::remove(dump_path);
  json pairs = json::array({{{"key", "band/a"}, {"value", "alpha"}},
                            {{"key", "band/b"}, {"value", "beta"}, {"metadata", {{"shard", 2}}}},
                            {{"key", "band/c"}, {"value", "AP8="}, {"base64", true}}});

  {
    EmulatorProcess emulator({"--dump", dump_path.string()});
    REQUIRE(send_json("PUT", emulator.namespace_url() + "/bulk", pairs).status == 200);
    CHECK(emulator.stop() == 0);
  }

  std::ifstream in(dump_path);
  REQUIRE(in);
  auto dumped = json::parse(in);
  REQUIRE(dumped.size() == 3);
  CHECK(dumped[0]["key"] == "band/a");
  CHECK(dumped[0]["value"] == "alpha");
  CHECK(dumped[1]["metadata"]["shard"] == 2);
  CHECK(dumped[2]["base64"] == true);
  CHECK(dumped[2]["value"] == "AP8=");

  EmulatorProcess reloaded({"--load", dump_path.string()});
  CHECK(read_stats(reloaded)["keys"] == 3);
  CHECK(send_request("GET", key_url(reloaded, "band/c")).body == std::string("\0\xff", 2));
  std::filesystem::remove(dump_path);
}
