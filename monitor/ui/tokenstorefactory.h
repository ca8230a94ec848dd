#pragma once

#include "tokenstore.h"

#include <memory>

namespace Herald {

// The best TokenStore this build has: the desktop keyring through QtKeychain
// when it was found at build time (falling back to memory when no keyring
// answers), else memory only.
class TokenStoreFactory
{
public:
    static std::unique_ptr<TokenStore> create();
};

} // namespace Herald
