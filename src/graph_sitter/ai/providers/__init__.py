"""AI providers behind one interface: Codegen agent runs, OpenAI (and compatible servers),
Anthropic, and the factory that selects, validates and chains them. No vendor SDK is imported.
"""

from graph_sitter.ai.errors import (
    AIProviderError,
    ProviderAuthenticationError,
    ProviderRateLimitError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from graph_sitter.ai.providers.anthropic import AnthropicProvider
from graph_sitter.ai.providers.base import AIProvider, AIResponse
from graph_sitter.ai.providers.codegen import CodegenProvider
from graph_sitter.ai.providers.factory import (
    create_ai_provider,
    detect_available_credentials,
    get_available_providers,
    get_provider_comparison,
    get_provider_status,
    get_recommended_provider,
    register_provider,
    validate_provider_credentials,
)
from graph_sitter.ai.providers.openai import OpenAIProvider

__all__ = [
    "AIProvider",
    "AIProviderError",
    "AIResponse",
    "AnthropicProvider",
    "CodegenProvider",
    "OpenAIProvider",
    "ProviderAuthenticationError",
    "ProviderRateLimitError",
    "ProviderTimeoutError",
    "ProviderUnavailableError",
    "create_ai_provider",
    "detect_available_credentials",
    "get_available_providers",
    "get_provider_comparison",
    "get_provider_status",
    "get_recommended_provider",
    "register_provider",
    "validate_provider_credentials",
]
