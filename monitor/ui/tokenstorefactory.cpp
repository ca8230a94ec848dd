#include "tokenstorefactory.h"

#include "memorytokenstore.h"

#ifdef HERALD_HAVE_KEYCHAIN
#include "keychaintokenstore.h"
#endif

namespace Herald {

std::unique_ptr<TokenStore> TokenStoreFactory::create()
{
#ifdef HERALD_HAVE_KEYCHAIN
    return std::make_unique<KeychainTokenStore>();
#else
    return std::make_unique<MemoryTokenStore>();
#endif
}

} // namespace Herald
