#include "output_file.hpp"

#include <loadseed/sdk.hpp>

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>

namespace file_dump {

namespace {

std::string finish_digest(EVP_MD_CTX* digest) {
    unsigned char bytes[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(digest, bytes, &size);
    static constexpr char hex[] = "0123456789abcdef";
    std::string text;
    for (unsigned int i = 0; i < size; ++i) {
        text.push_back(hex[bytes[i] >> 4]);
        text.push_back(hex[bytes[i] & 15]);
    }
    return text;
}

}  // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
    file_ = std::fopen(path_.c_str(), "wb");
    if (!file_) throw loadseed::Error("cannot create " + path_ + ": " + std::strerror(errno));
    digest_ = EVP_MD_CTX_new();
    if (!digest_ || EVP_DigestInit_ex(digest_, EVP_sha256(), nullptr) != 1) {
        std::fclose(file_);
        EVP_MD_CTX_free(digest_);
        throw loadseed::Error("cannot start a SHA-256 digest (OpenSSL)");
    }
    buffer_.reserve(flush_threshold + 64 * 1024);
}

OutputFile::~OutputFile() {
    if (file_) std::fclose(file_);
    EVP_MD_CTX_free(digest_);
}

void OutputFile::append_csv(std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        buffer_.append(field);
        return;
    }
    buffer_.push_back('"');
    for (char c : field) {
        if (c == '"') buffer_.push_back('"');
        buffer_.push_back(c);
    }
    buffer_.push_back('"');
}


void OutputFile::flush() {
    if (buffer_.empty()) return;
    EVP_DigestUpdate(digest_, buffer_.data(), buffer_.size());
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
        throw loadseed::Error("cannot write " + path_ + ": " + std::strerror(errno) + "; check free disk space");
    bytes_ += buffer_.size();
    buffer_.clear();
}

void OutputFile::close() {
    if (!file_) return;
    flush();
    int failed = std::fclose(file_);
    file_ = nullptr;
    std::string().swap(buffer_);  // a closed file keeps only its counters
    if (failed != 0) throw loadseed::Error("cannot write " + path_ + ": " + std::strerror(errno));

    sha256_ = finish_digest(digest_);
}

std::string OutputFile::sha256_of(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) throw loadseed::Error("cannot read " + path + ": " + std::strerror(errno));
    EVP_MD_CTX* digest = EVP_MD_CTX_new();
    EVP_DigestInit_ex(digest, EVP_sha256(), nullptr);
    std::string chunk(1 << 20, '\0');
    size_t n;
    while ((n = std::fread(chunk.data(), 1, chunk.size(), file)) > 0) EVP_DigestUpdate(digest, chunk.data(), n);
    std::fclose(file);
    std::string hex = finish_digest(digest);
    EVP_MD_CTX_free(digest);
    return hex;
}

}  // namespace file_dump
