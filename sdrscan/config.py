"""sdrscan's settings: one :class:`Settings` with a nested model per subsystem.

Sources, highest priority first:

1. keyword arguments to :func:`load_settings` (the CLI's options);
2. environment variables ``SDRSCAN_<SECTION>__<KEY>`` (nested keys joined by ``__``), e.g.
   ``SDRSCAN_DETECTION__PROFILE=china`` or ``SDRSCAN_DETECTION__RULES__LOW_T3212__ENABLED=false``;
3. a TOML file: the path in ``SDRSCAN_CONFIG``, else ``$XDG_CONFIG_HOME/sdrscan/config.toml``
   (``~/.config/sdrscan/config.toml``) when it exists, with the same sections (``[detection]``,
   ``[detection.rules.low_t3212]`` ...);
4. the defaults of the models.

Unknown keys are errors (a typo must not silently switch a rule back to its default). Any invalid value
becomes one :class:`~sdrscan.errors.ConfigError` line that names the key, the value and the source.

To add a subsystem's section: define a frozen pydantic model in that subsystem (``extra="forbid"``) and
add one field to :class:`Settings`.
"""

from __future__ import annotations

import os
import tomllib
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from sdrscan.detection.settings import DetectionSettings
from sdrscan.errors import ConfigError
from sdrscan.field.settings import DeviceSettings
from sdrscan.service.settings import ApiSettings
from sdrscan.store.settings import StoreSettings

ENV_PREFIX = "SDRSCAN_"
CONFIG_ENV = "SDRSCAN_CONFIG"

_toml_path: ContextVar[Path | None] = ContextVar("sdrscan_toml_path", default=None)


def default_config_path() -> Path | None:
    """The TOML file :func:`get_settings` reads: ``$SDRSCAN_CONFIG``, else the user's file if it exists."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    path = base / "sdrscan" / "config.toml"
    return path if path.is_file() else None


class Settings(BaseSettings):
    """All settings; one nested model per subsystem."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid",
                                      frozen=True)

    detection: DetectionSettings = Field(default_factory=DetectionSettings)
    device: DeviceSettings = Field(default_factory=DeviceSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = _toml_path.get()
        if path is None:
            return init_settings, env_settings
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=path)


def _describe(exc: ValidationError, path: Path | None) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "settings"
    where = f"{path} or {ENV_PREFIX}* environment" if path is not None else f"{ENV_PREFIX}* environment or arguments"
    value = err.get("input")
    shown = "" if isinstance(value, dict) else f"={value!r}"
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"setting {loc}{shown}: {err['msg']}{more}; fix it in {where}"


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Read the settings (see the module docstring); ``path`` replaces the default TOML file.

    Raises
    ------
    ConfigError
        When the file is missing or not TOML, or a value is invalid (one line naming the key).
    """
    toml = Path(path) if path is not None else default_config_path()
    if toml is not None:
        if not toml.is_file():
            raise ConfigError(f"settings file {toml} not found; create it or unset {CONFIG_ENV}")
        try:
            tomllib.loads(toml.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"settings file {toml} is not valid TOML ({exc}); fix the file") from None
    token = _toml_path.set(toml)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, toml)) from None
    finally:
        _toml_path.reset(token)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once; ``get_settings.cache_clear()`` re-reads them)."""
    return load_settings()
