#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "core/phone.h"

using i18n::phonenumbers::NullLogger;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

static const PhoneNumberUtil *
phone_util()
{
    static PhoneNumberUtil *util = [] {
        PhoneNumberUtil *u = PhoneNumberUtil::GetInstance();

        /* The library would log parse failures to stderr, but callers report them. */
        u->SetLogger(new NullLogger());
        return u;
    }();

    return util;
}

static bool
phone_try(const PhoneNumberUtil *util, const std::string &text, const char *region,
          PhoneNumber *number)
{
    if (util->Parse(text, region, number) != PhoneNumberUtil::NO_PARSING_ERROR)
        return false;
    return util->IsPossibleNumber(*number);
}

static void
phone_copy(char *dst, size_t size, const std::string &src)
{
    snprintf(dst, size, "%s", src.c_str());
}

static bool
phone_parse_checked(const char *input, const char *region, struct phone_number *out)
{
    const PhoneNumberUtil *util = phone_util();
    std::string text(input);
    std::string formatted, digits;
    PhoneNumber number;
    size_t start = text.find_first_not_of(" \t");

    if (!phone_try(util, text, region, &number)) {
        if (start == std::string::npos || text.compare(start, 2, "00") != 0)
            return false;
        number.Clear();
        if (!phone_try(util, "+" + text.substr(start + 2), region, &number))
            return false;
    }
    util->Format(number, PhoneNumberUtil::E164, &formatted);
    phone_copy(out->e164, sizeof(out->e164), formatted);
    phone_copy(out->extension, sizeof(out->extension), number.extension());

    /* Search by what people dial at home: the national format without punctuation. */
    number.clear_extension();
    util->Format(number, PhoneNumberUtil::NATIONAL, &formatted);
    for (char c : formatted) {
        if (c >= '0' && c <= '9')
            digits.push_back(c);
    }
    phone_copy(out->national, sizeof(out->national), digits);
    return out->e164[0] == '+';
}

extern "C" bool
phone_parse(const char *input, const char *region, struct phone_number *out)
{
    memset(out, 0, sizeof(*out));
    if (input == nullptr || region == nullptr ||
        strnlen(input, PHONE_INPUT_MAX + 1) > PHONE_INPUT_MAX)
        return false;
    try {
        return phone_parse_checked(input, region, out);
    } catch (...) {
        /* No C++ exception may cross into C; an input that throws is not a number. */
        memset(out, 0, sizeof(*out));
        return false;
    }
}
