#include "emulator.hpp"

#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <thread>

namespace loadseed::test {

namespace {

size_t append_body(char* data, size_t size, size_t count, void* target) {
    static_cast<std::string*>(target)->append(data, size * count);
    return size * count;
}

std::string random_token() {
    std::random_device random;
    std::string token = "test-token-";
    for (int i = 0; i < 4; ++i) token += std::to_string(random());
    return token;
}

int read_port(int fd) {
    const std::string prefix = "listening on 127.0.0.1:";
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (line.find('\n') == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd readable{fd, POLLIN, 0};
        if (left.count() <= 0 || poll(&readable, 1, static_cast<int>(left.count())) <= 0)
            throw std::runtime_error("the KV emulator printed no port line within 10 s");
        char buffer[256];
        ssize_t count = read(fd, buffer, sizeof buffer);
        if (count <= 0) throw std::runtime_error("the KV emulator exited before printing its port; see stderr");
        line.append(buffer, static_cast<size_t>(count));
    }
    line.resize(line.find('\n'));
    if (line.rfind(prefix, 0) != 0) throw std::runtime_error("unexpected first line from the KV emulator: " + line);
    return std::stoi(line.substr(prefix.size()));
}

}  // namespace

HttpResult http_request(const std::string& method, const std::string& url, const std::string& body,
                        const std::string& token) {
    CURL* curl = curl_easy_init();
    HttpResult result;
    curl_slist* headers = nullptr;
    if (!token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
    if (method != "GET") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK)
        throw std::runtime_error(method + " " + url + " failed: " + curl_easy_strerror(code));
    return result;
}

Emulator::Emulator(const std::vector<std::string>& flags) : token_(random_token()) {
    clear_cloudflare_environment();
    std::vector<std::string> arguments = {LOADSEED_KV_EMULATOR_PATH, "--port", "0", "--account-id", account_id,
                                          "--namespace-id", namespace_id};
    arguments.insert(arguments.end(), flags.begin(), flags.end());

    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe() failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork() failed");
    if (pid_ == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        // The token goes through the environment, so it is not visible in ps.
        setenv("KV_EMULATOR_TOKEN", token_.c_str(), 1);
        std::vector<char*> argv;
        for (auto& argument : arguments) argv.push_back(argument.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(out[1]);
    try {
        port_ = read_port(out[0]);
    } catch (...) {
        close(out[0]);
        stop();
        throw;
    }
    // The emulator writes nothing more to stdout; closing our end is safe.
    close(out[0]);
}

Emulator::~Emulator() {
    if (pid_ > 0) stop();
}

int Emulator::stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            pid_ = -1;
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Emulator::control_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string Emulator::api_base_url() const { return control_url() + "/client/v4"; }
std::string Emulator::namespace_url() const {
    return api_base_url() + "/accounts/" + account_id + "/storage/kv/namespaces/" + namespace_id;
}

nlohmann::json Emulator::stats() const {
    return nlohmann::json::parse(http_request("GET", control_url() + "/__emulator/stats").body);
}

void Emulator::set_faults(const nlohmann::json& settings) const {
    HttpResult result = http_request("POST", control_url() + "/__emulator/faults", settings.dump());
    if (result.status != 200) throw std::runtime_error("setting emulator faults failed: " + result.body);
}

std::vector<nlohmann::json> Emulator::list(const std::string& prefix) const {
    std::vector<nlohmann::json> keys;
    std::string cursor;
    do {
        std::string url = namespace_url() + "/keys?limit=1000&prefix=" + encode_key(prefix);
        if (!cursor.empty()) url += "&cursor=" + cursor;
        auto page = nlohmann::json::parse(http_request("GET", url, {}, token_).body);
        for (auto& item : page["result"]) keys.push_back(item);
        cursor = page["result_info"].value("cursor", "");
    } while (!cursor.empty());
    return keys;
}

HttpResult Emulator::read_value(const std::string& key) const {
    return http_request("GET", namespace_url() + "/values/" + encode_key(key), {}, token_);
}

void Emulator::write_value(const std::string& key, const std::string& value) const {
    HttpResult result = http_request("PUT", namespace_url() + "/values/" + encode_key(key), value, token_);
    if (result.status != 200) throw std::runtime_error("writing " + key + " failed: " + result.body);
}

void Emulator::delete_value(const std::string& key) const {
    HttpResult result = http_request("DELETE", namespace_url() + "/values/" + encode_key(key), {}, token_);
    if (result.status != 200) throw std::runtime_error("deleting " + key + " failed: " + result.body);
}

std::vector<std::string> Emulator::sink_options() const {
    return {"--opt", "cloudflare-kv.api-base-url=" + api_base_url(), "--opt",
            "cloudflare-kv.account-id=" + account_id, "--opt", "cloudflare-kv.namespace-id=" + namespace_id};
}

void clear_cloudflare_environment() {
    for (const char* name : {"CF_API_TOKEN", "CF_ACCOUNT_ID", "CF_KV_NAMESPACE_ID", "CF_API_BASE_URL", "CF_API_RATE_LIMIT"})
        unsetenv(name);
}

std::string encode_key(const std::string& key) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : key) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

}  // namespace loadseed::test
