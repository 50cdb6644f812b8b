#include "error.h"

const char *dns_strerror(dns_err err)
{
	switch (err) {
	case DNS_OK: return "success";
	case DNS_E_TRUNCATED: return "input ends in the middle of an item";
	case DNS_E_LABEL_TOO_LONG: return "label longer than 63 octets";
	case DNS_E_NAME_TOO_LONG: return "name longer than 255 octets";
	case DNS_E_EMPTY_LABEL: return "empty label";
	case DNS_E_BAD_ESCAPE: return "bad escape sequence";
	case DNS_E_RELATIVE: return "relative name without an origin";
	case DNS_E_BAD_POINTER: return "compression pointer does not point backwards";
	case DNS_E_POINTER_LOOP: return "compression pointer loop";
	case DNS_E_LABEL_TYPE: return "unsupported label type";
	case DNS_E_RDLENGTH: return "RDLENGTH does not match the record data";
	case DNS_E_TRAILING: return "trailing bytes after the message";
	case DNS_E_FORMAT: return "malformed message";
	case DNS_E_NOSPACE: return "no space left in the output";
	case DNS_E_SYNTAX: return "syntax error";
	case DNS_E_RANGE: return "number out of range";
	case DNS_E_UNKNOWN_TYPE: return "unknown record type";
	case DNS_E_UNKNOWN_CLASS: return "unknown class";
	case DNS_E_NOMEM: return "out of memory";
	case DNS_E_ORDER: return "sections built out of order";
	}
	return "unknown error";
}
