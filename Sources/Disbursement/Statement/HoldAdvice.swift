/// For each hold, one plain sentence the clerk can read to the caller: what they can do, or that
/// there is nothing for them to do. Unknown codes (SPEC §3: the set may grow) get a general one.
public enum HoldAdvice {
    public static func sentence(_ code: String, _ language: StatementLanguage) -> String {
        let (indonesian, english): (String, String)
        switch HoldReason(rawValue: code) {
        case .statusConflict?:
            (indonesian, english) = (
                "Bank atau e-wallet melaporkan dua hasil berbeda untuk pembayaran ini; tim keuangan sedang memeriksanya, Anda tidak perlu melakukan apa pun.",
                "The bank or e-wallet reported two different outcomes for this payment; finance is checking it, there is nothing for you to do.")
        case .notApproved?:
            (indonesian, english) = (
                "Anda tidak (atau tidak lagi) disetujui dalam Surat Keputusan; pembayaran berlanjut hanya jika program menyetujui Anda kembali.",
                "You are not (or no longer) approved in a decree; payments resume only if the programme approves you again.")
        case .duplicateDecree?:
            (indonesian, english) = (
                "Anda tercantum dalam dua Surat Keputusan; program harus memperbaikinya, Anda tidak perlu melakukan apa pun.",
                "You are listed in two decrees; the programme must correct this, there is nothing for you to do.")
        case .invalidDecree?:
            (indonesian, english) = (
                "Surat Keputusan Anda memuat kesalahan yang harus diperbaiki program; Anda tidak perlu melakukan apa pun.",
                "Your decree has an error the programme must correct; there is nothing for you to do.")
        case .invalidRegistrantID?:
            (indonesian, english) = (
                "Nomor pendaftaran Anda tidak dapat dibayar sebagaimana tercatat; program harus memperbaikinya.",
                "Your registration number cannot be paid as recorded; the programme must correct it.")
        case .invalidNIK?:
            (indonesian, english) = (
                "NIK pada pendaftaran Anda bukan NIK 16 digit yang sah: perbaiki NIK di akun Anda di situs program sesuai KTP.",
                "The NIK on your registration is not a valid 16-digit NIK: correct it in your account on the programme's website, as on your KTP.")
        case .duplicateNIK?:
            (indonesian, english) = (
                "Pendaftaran lain memakai NIK yang sama; program harus menyelesaikannya, siapkan KTP Anda bila dihubungi.",
                "Another registration uses the same NIK; the programme must resolve it, have your KTP ready if they contact you.")
        case .reregisteredNIK?:
            (indonesian, english) = (
                "NIK Anda sudah tercatat untuk pendaftaran sebelumnya; program harus memeriksa pendaftaran mana yang milik Anda.",
                "Your NIK is already recorded for an earlier registration; the programme must check which registration is yours.")
        case .completionWithdrawn?:
            (indonesian, english) = (
                "Penyelesaian pelatihan Anda tidak lagi memenuhi syarat: pastikan sertifikat, rating, dan ulasan pelatihan Anda ada di platform pelatihan.",
                "Your training completion no longer qualifies: make sure your certificate, rating and review of the course are on the training platform.")
        case .noLinkedAccount?:
            (indonesian, english) = (
                "Hubungkan rekening bank atau e-wallet atas nama Anda sendiri di situs program.",
                "Link a bank account or e-wallet in your own name on the programme's website.")
        case .accountNotActive?:
            (indonesian, english) = (
                "Akun yang terhubung tidak aktif: aktifkan di bank atau e-wallet Anda, atau hubungkan akun lain atas nama Anda sendiri.",
                "Your linked account is not active: have your bank or e-wallet activate it, or link another account in your own name.")
        case .accountKindMismatch?:
            (indonesian, english) = (
                "Akun Anda tercatat dengan jenis yang salah (bank atau e-wallet): hubungkan kembali akun Anda di situs program.",
                "Your account is recorded as the wrong kind (bank or e-wallet): link your account again on the programme's website.")
        case .accountNotUpgraded?:
            (indonesian, english) = (
                "Upgrade e-wallet Anda menjadi akun penuh (premium/terverifikasi), atau hubungkan e-wallet yang sudah di-upgrade atas nama Anda sendiri.",
                "Upgrade your e-wallet to a full (verified) account, or link an upgraded e-wallet in your own name.")
        case .accountOwnerMismatch?:
            (indonesian, english) = (
                "Akun yang terhubung bukan atas nama Anda: hubungkan rekening bank atau e-wallet atas nama Anda sendiri.",
                "The linked account is not in your name: link a bank account or e-wallet in your own name.")
        case .phoneMismatch?:
            (indonesian, english) = (
                "Nomor telepon e-wallet harus sama dengan nomor yang Anda daftarkan: hubungkan e-wallet dengan nomor terdaftar Anda.",
                "The phone number of the e-wallet must be the one you registered: link the e-wallet of your registered number.")
        case .sharedAccount?:
            (indonesian, english) = (
                "Nomor akun ini juga dipakai peserta lain: hubungkan akun yang hanya milik Anda.",
                "This account number is also used by another participant: link an account that is yours alone.")
        case .invalidAccountNo?:
            (indonesian, english) = (
                "Nomor akun yang terhubung tidak dapat dipakai sebagaimana tertulis: hubungkan kembali dengan nomor yang benar.",
                "The linked account number cannot be used as written: link it again with the correct number.")
        case .unsupportedChannel?:
            (indonesian, english) = (
                "Bank atau e-wallet Anda tidak dilayani program: hubungkan akun di bank atau e-wallet yang didukung.",
                "Your bank or e-wallet is not one the programme pays to: link an account at a supported bank or e-wallet.")
        case .retryLimit?:
            (indonesian, english) = (
                "Pembayaran sudah gagal berkali-kali; tim keuangan program harus meninjaunya, Anda akan dihubungi.",
                "The payment failed too many times; the programme's finance team must review it and will contact you.")
        case .permanentFailure?:
            (indonesian, english) = (
                "Bank atau e-wallet Anda menyatakan akun tidak dapat menerima dana: hubungkan akun lain atas nama Anda, atau perbaiki nomornya.",
                "Your bank or e-wallet said the account cannot receive money: link another account in your own name, or correct its number.")
        case nil:
            (indonesian, english) = (
                "Ditahan oleh program (kode \(Masking.printable(code))); tanyakan kepada tim keuangan.",
                "Held by the programme (code \(Masking.printable(code))); ask the finance team.")
        }
        return language.pick(indonesian, english)
    }
}
