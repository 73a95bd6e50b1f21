"""An audio format added the way docs/extending.md says: one `AudioFormat`, one line in `AUDIO_FORMATS`."""

from mutagen.oggflac import OggFLAC

from lyricgenre.interfaces.audio.formats import AudioFormat, VorbisFields
from lyricgenre.interfaces.audio.layout import ogg_audio

OGG_FLAC = AudioFormat("Ogg FLAC", (".oga",), (OggFLAC,), VorbisFields, ogg_audio)
