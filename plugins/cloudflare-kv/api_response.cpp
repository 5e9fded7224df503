#include "api_response.hpp"

#include <loadseed/sdk.hpp>

#include <nlohmann/json.hpp>

namespace cloudflare_kv {

namespace {

std::string printable_excerpt(const std::string& body) {
    constexpr size_t shown = 200;
    std::string excerpt;
    for (char c : body.substr(0, shown)) excerpt += (c >= 0x20 && c < 0x7f) ? c : ' ';
    if (body.size() > shown) excerpt += "...";
    return excerpt;
}

}  // namespace

std::string describe_response(long status, const std::string& body) {
    std::string text = "HTTP " + std::to_string(status);
    nlohmann::json envelope = nlohmann::json::parse(body, nullptr, false);
    if (envelope.is_object() && envelope.contains("errors") && envelope["errors"].is_array() &&
        !envelope["errors"].empty()) {
        const auto& errors = envelope["errors"];
        text += errors.size() == 1 ? ", Cloudflare error " : ", Cloudflare errors ";
        for (size_t i = 0; i < errors.size(); ++i) {
            const auto& error = errors[i];
            if (i) text += "; ";
            text += error.contains("code") ? error["code"].dump() : std::string("(no code)");
            if (error.contains("message") && error["message"].is_string())
                text += ": " + error["message"].get<std::string>();
        }
        return text;
    }
    if (!body.empty()) text += ", body \"" + printable_excerpt(body) + "\"";
    return text;
}

std::string hint_for(long status) {
    switch (status) {
    case 404: return "; check CF_ACCOUNT_ID and CF_KV_NAMESPACE_ID (options account-id and namespace-id)";
    case 413: return "; the body is over the API's size limit, so lower max-request-bytes";
    default: return "; the API rejected the request, and a retry would get the same answer";
    }
}

std::vector<std::string> read_bulk_result(const Response& response, const std::string& label, uint64_t& successful) {
    if (response.status < 200 || response.status > 299)
        throw loadseed::Error(label + " failed: " + describe_response(response.status, response.body) +
                              hint_for(response.status));
    nlohmann::json envelope = nlohmann::json::parse(response.body, nullptr, false);
    if (!envelope.is_object() || !envelope.value("success", false))
        throw loadseed::Error(label + " failed: " + describe_response(response.status, response.body));

    std::vector<std::string> unsuccessful;
    const nlohmann::json& result = envelope.contains("result") ? envelope["result"] : nlohmann::json();
    if (result.is_object()) {
        successful += result.value("successful_key_count", uint64_t(0));
        if (result.contains("unsuccessful_keys") && result["unsuccessful_keys"].is_array())
            for (const auto& key : result["unsuccessful_keys"])
                if (key.is_string()) unsuccessful.push_back(key.get<std::string>());
    }
    return unsuccessful;
}

}  // namespace cloudflare_kv
