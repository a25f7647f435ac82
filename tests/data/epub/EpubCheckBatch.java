import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.reporting.CheckingReport;
import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

public class EpubCheckBatch {
  public static void main(String[] args) throws Exception {
    for (int i = 0; i + 1 < args.length; i += 2) {
      try (PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(args[i + 1]), StandardCharsets.UTF_8))) {
        CheckingReport report = new CheckingReport(out, args[i]);
        report.initialize();
        new EpubCheck(new File(args[i]), report).doValidate();
        report.generate();
      }
    }
  }
}
