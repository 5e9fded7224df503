// A buffered output file that counts rows and computes its SHA-256 as it
// writes, so the manifest needs no second pass over hundreds of megabytes.
#pragma once

#include <loadseed/text.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace file_dump {

using loadseed::append_json_string;

class OutputFile {
public:
    // Creates (truncates) `path`; throws loadseed::Error when it cannot.
    explicit OutputFile(std::string path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    // Appends raw bytes. The buffer is flushed in large blocks.
    void append(std::string_view text) {
        buffer_.append(text);
        if (buffer_.size() >= flush_threshold) flush();
    }
    void append(char c) { buffer_.push_back(c); }
    // Appends a CSV field, quoted only when it contains a comma, quote or line break.
    void append_csv(std::string_view field);
    void append_json_string(std::string_view text) { loadseed::append_json_string(buffer_, text); }
    // Ends a row: a line break, counted.
    void end_row() {
        buffer_.push_back('\n');
        ++rows_;
        if (buffer_.size() >= flush_threshold) flush();
    }

    // Counts a row that ends without a line break (JSON array elements).
    void count_row() {
        ++rows_;
        if (buffer_.size() >= flush_threshold) flush();
    }

    // Flushes and closes; sha256() then holds the hex SHA-256 of the bytes.
    void close();

    // Returns the hex SHA-256 of an existing file's bytes.
    static std::string sha256_of(const std::string& path);

    const std::string& path() const { return path_; }
    uint64_t rows() const { return rows_; }
    uint64_t bytes() const { return bytes_; }
    const std::string& sha256() const { return sha256_; }

private:
    static constexpr size_t flush_threshold = 1 << 20;
    void flush();

    std::string path_;
    std::FILE* file_ = nullptr;
    evp_md_ctx_st* digest_ = nullptr;
    std::string buffer_;
    uint64_t rows_ = 0;
    uint64_t bytes_ = 0;
    std::string sha256_;
};

}  // namespace file_dump
